#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# nlrs-dump on files: the output format against tcpdump's, -w then -r
# round trips (pcap and pcapng, read back by nlrs-dump, tcpdump and
# tshark), -c, rotation (-C, -C with -W, -G, -G with -W) and the names of
# the files it makes, filters on files, and the errors.
#
#   no network: scapy writes the captures (tests/integration/dump/make_pcaps.py)
#   TMPDIR/in/mixed.pcap (120 frames, 1 s apart), .pcapng, sll, sll2, raw, nsec
#     -> nlrs-dump -> TMPDIR/out/...
#
# The format checks compare nlrs-dump's text with tcpdump's, line for line,
# for the same file and options (TZ=UTC0): both must print the same.
source "$(dirname "$0")/lib.sh"
TEST=dump_files
nlrs_require_cmd tcpdump tshark capinfos "$PY"
DUMP=${NLRS_DUMP:-$NLRS_BUILD_DIR/tools/dump/nlrs-dump}
nlrs_require_prog "$DUMP"
trap nlrs__cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
TMPD=$(mktemp -d "/tmp/nlrs-t-$TEST.XXXXXX")
chmod 755 "$TMPD"
export TZ=UTC0
IN=$TMPD/in
OUT=$TMPD/out
mkdir -p "$IN" "$OUT"
chmod 777 "$OUT"
"$PY" "$NLRS_ITEST_DIR/dump/make_pcaps.py" "$IN" 2>"$TMPD/scapy.err" ||
	fail "make_pcaps.py failed: $(cat "$TMPD/scapy.err")"
chmod 644 "$IN"/*
log "captures: $(ls "$IN" | tr '\n' ' ')"

# run NAME ARGS...: nlrs-dump ARGS, stdout to OUT/NAME.txt, stderr to
# TMPD/NAME.log (the clean-up looks there for sanitizer reports); the
# status goes to RC.
run() {
	local name=$1
	shift
	RC=0
	"$DUMP" "$@" >"$OUT/$name.txt" 2>"$TMPD/$name.log" || RC=$?
}

# ---- the format: the same text as tcpdump for the same options ----
same_as_tcpdump() { # FILE FILTER OPTIONS...
	local f=$1 filter=$2
	shift 2
	local tag
	tag=$(basename "$f")$(printf '%s' "$*" | tr -c 'a-zA-Z0-9' '_')
	tcpdump "$@" -r "$f" $filter >"$OUT/td$tag.txt" 2>/dev/null || fail "tcpdump $* -r $f failed"
	run "nd$tag" "$@" -r "$f" $filter
	assert_eq "nlrs-dump $* -r $(basename "$f") exit status" 0 "$RC"
	if ! diff -u "$OUT/td$tag.txt" "$OUT/nd$tag.txt" >"$TMPD/diff$tag.txt"; then
		head -n 40 "$TMPD/diff$tag.txt"
		fail "nlrs-dump $* -r $(basename "$f") $filter differs from tcpdump (- tcpdump, + nlrs-dump)"
	fi
	log "ok: nlrs-dump $* -r $(basename "$f") $filter prints what tcpdump prints ($(wc -l <"$OUT/nd$tag.txt") lines)"
}

M=$IN/mixed.pcap
for opts in "-n" "-n -e" "-n -q" "-n -S" "-n -t" "-n -tt" "-n -ttt" "-n -tttt" "-n -ttttt" \
	"-n -#" "-n -x" "-n -xx" "-n -X" "-n -XX" "-n -A" "-n -AA" "-n -e -x"; do
	# shellcheck disable=SC2086
	same_as_tcpdump "$M" "" $opts
done
# -v prints DHCP's options in tcpdump, which this tool summarises: leave them out
# shellcheck disable=SC2086
for opts in "-n -v" "-n -vv" "-n -v -e"; do
	same_as_tcpdump "$M" "not (udp port 67 or udp port 68)" $opts
done
same_as_tcpdump "$IN/mixed.pcapng" "" -n
same_as_tcpdump "$IN/sll.pcap" "" -n
same_as_tcpdump "$IN/sll.pcap" "" -n -e
same_as_tcpdump "$IN/sll2.pcap" "" -n
same_as_tcpdump "$IN/sll2.pcap" "" -n -e
same_as_tcpdump "$IN/raw.pcap" "" -n
same_as_tcpdump "$IN/nsec.pcap" "" -n
same_as_tcpdump "$IN/nsec.pcap" "" -n --nano
same_as_tcpdump "$M" "tcp port 8080 and tcp[tcpflags] & tcp-syn != 0" -n
same_as_tcpdump "$M" "icmp or arp or ip6" -n
same_as_tcpdump "$M" "vlan 100" -n -e

# ---- filters on files ----
run filt -n -r "$M" udp
assert_eq "udp packets (nlrs-dump filter, as tcpdump's)" "$(tcpdump -r "$M" udp 2>/dev/null | wc -l)" \
	"$(wc -l <"$OUT/filt.txt")"
run badfilt -n -r "$M" "tcp and and"
assert_eq "exit status for a filter syntax error" 1 "$RC"
assert_contains "filter error message" "can't parse filter expression: syntax error" \
	"$(cat "$TMPD/badfilt.log")"

# ---- errors that name the problem ----
run nofile -n -r "$TMPD/no-such.pcap"
assert_eq "exit status for a missing file" 1 "$RC"
assert_contains "missing file message" "no-such.pcap: No such file or directory" "$(cat "$TMPD/nofile.log")"
head -c 1000 "$M" >"$IN/cut.pcap"
run cut -n -r "$IN/cut.pcap"
assert_eq "exit status for a truncated file" 1 "$RC"
assert_contains "truncated file message" "truncated" "$(cat "$TMPD/cut.log")"
assert_ge "packets printed before the damage" "$(wc -l <"$OUT/cut.txt")" 5
assert_eq "the same packets as tcpdump before the damage" \
	"$(tcpdump -n -r "$IN/cut.pcap" 2>/dev/null | md5sum)" "$(md5sum <"$OUT/cut.txt")"
printf 'not a capture at all, just text\n' >"$IN/text.pcap"
run text -n -r "$IN/text.pcap"
assert_eq "exit status for a file that is not a capture" 1 "$RC"
assert_contains "format message" "text.pcap" "$(cat "$TMPD/text.log")"
run badc -n -c 0 -r "$M"
assert_eq "exit status for -c 0" 1 "$RC"
assert_contains "-c 0 message" "invalid packet count 0" "$(cat "$TMPD/badc.log")"

# ---- -c ----
run c7 -n -c 7 -r "$M"
assert_eq "-c 7 lines" 7 "$(wc -l <"$OUT/c7.txt")"
assert_eq "-c 7: the first 7 packets" "$(tcpdump -n -c 7 -r "$M" 2>/dev/null | md5sum)" "$(md5sum <"$OUT/c7.txt")"

# ---- -w / -r round trips ----
fields() { tshark -n -r "$1" -T fields -e frame.time_epoch -e frame.len -e frame.cap_len -e eth.src \
	-e ip.src -e ip.dst -e ipv6.src -e tcp.seq_raw -e udp.length -e data 2>/dev/null; }
for fmt in pcap pcapng; do
	extra=()
	[ $fmt = pcapng ] && extra=(--pcapng)
	run w$fmt -r "$M" -w "$OUT/rt.$fmt" "${extra[@]}"
	assert_eq "-w $fmt exit status" 0 "$RC"
	assert_match "capinfos: $fmt format" "$([ $fmt = pcap ] && echo 'Wireshark/tcpdump/... - pcap' || echo 'Wireshark/... - pcapng')" \
		"$(capinfos -t "$OUT/rt.$fmt" 2>&1)"
	assert_eq "tshark reads back the same 120 packets ($fmt)" "$(fields "$M" | md5sum)" "$(fields "$OUT/rt.$fmt" | md5sum)"
	assert_eq "tcpdump reads back the same text ($fmt)" "$(tcpdump -n -r "$M" 2>/dev/null | md5sum)" \
		"$(tcpdump -n -r "$OUT/rt.$fmt" 2>/dev/null | md5sum)"
	run r$fmt -n -r "$OUT/rt.$fmt"
	assert_eq "nlrs-dump reads back the same text ($fmt)" "$(tcpdump -n -r "$M" 2>/dev/null | md5sum)" \
		"$(md5sum <"$OUT/r$fmt.txt")"
done
run wnano -r "$IN/nsec.pcap" -w "$OUT/nsec-rt.pcap" --nano
assert_eq "nanosecond timestamps survive -w --nano" \
	"$(tshark -r "$IN/nsec.pcap" -T fields -e frame.time_epoch 2>/dev/null | md5sum)" \
	"$(tshark -r "$OUT/nsec-rt.pcap" -T fields -e frame.time_epoch 2>/dev/null | md5sum)"
run wfilt -r "$M" -w "$OUT/icmp.pcap" icmp
assert_eq "-w with a filter keeps what tcpdump's filter keeps" "$(tcpdump -r "$M" icmp 2>/dev/null | wc -l)" \
	"$(tshark -r "$OUT/icmp.pcap" 2>/dev/null | wc -l)"
run wc5 -r "$M" -w "$OUT/five.pcap" -c 5
assert_eq "-w -c 5 writes 5 packets" 5 "$(tshark -r "$OUT/five.pcap" 2>/dev/null | wc -l)"
run wprint -n -r "$M" -w "$OUT/printed.pcap" --print -c 3
assert_eq "--print with -w prints" 3 "$(wc -l <"$OUT/wprint.txt")"
"$DUMP" -r "$M" -w - 2>/dev/null | tshark -r - 2>/dev/null | wc -l >"$OUT/stdout.count"
assert_eq "-w - writes a capture to stdout" 120 "$(cat "$OUT/stdout.count")"
"$DUMP" -n -r - <"$M" >"$OUT/stdin.txt" 2>"$TMPD/stdin.log"
assert_eq "-r - reads stdin" "$(tcpdump -n -r "$M" 2>/dev/null | md5sum)" "$(md5sum <"$OUT/stdin.txt")"
run count -r "$M" --count tcp
assert_eq "--count" "$(tcpdump -r "$M" tcp 2>/dev/null | wc -l) packets" "$(cat "$OUT/count.txt")"

# ---- --json and --stats ----
run json -r "$M" --json
assert_eq "--json exit status" 0 "$RC"
tshark -n -r "$M" -o ip.defragment:FALSE -o ipv6.defragment:FALSE -T fields -E occurrence=f -e frame.number -e ip.src -e ip.dst -e tcp.srcport -e tcp.seq_raw \
	-e udp.dstport -e icmp.type -e arp.opcode 2>/dev/null >"$OUT/json.tshark"
"$PY" - "$OUT/json.txt" "$OUT/json.tshark" <<'PYEOF' || fail "--json does not agree with tshark"
import json, sys
rows = {}
compared = 0
for line in open(sys.argv[2]):
    p = line.rstrip("\n").split("\t")
    rows[int(p[0])] = p[1:]
n = 0
for line in open(sys.argv[1]):
    o = json.loads(line)  # every line one valid object
    n += 1
    t = rows[o["num"]]
    first = {}
    for l in o["layers"]:
        if not l.get("quoted"):
            first.setdefault(l["layer"], l)
    got = [first.get("ipv4", {}).get("src", ""), first.get("ipv4", {}).get("dst", ""),
           str(first["tcp"]["sport"]) if "tcp" in first else "",
           str(first["tcp"]["seq"]) if "tcp" in first else "",
           str(first["udp"]["dport"]) if "udp" in first else "",
           str(first["icmp"]["type"]) if "icmp" in first else "",
           str(first["arp"]["op"]) if "arp" in first else ""]
    for g, v in zip(got, t):
        if g and g != v:
            sys.exit("packet %d: --json %r, tshark %r" % (o["num"], got, t))
        compared += bool(g)
if n != 120 or compared < 300:
    sys.exit("%d JSON lines (not 120), %d fields compared" % (n, compared))
print("--json: 120 valid objects; %d addresses, ports, sequence numbers, types agree with tshark" % compared)
PYEOF
log "ok: --json agrees with tshark"
run stats -r "$M" --stats
assert_eq "--stats exit status" 0 "$RC"
st=$(cat "$OUT/stats.txt")
assert_match "--stats total" '^120 packets, [0-9]+ bytes on the wire' "$st"
assert_match "--stats: tcp layers as tshark counts them" \
	"^  tcp +$(tshark -r "$M" -Y tcp 2>/dev/null | wc -l) packets" "$st"
assert_match "--stats: dns layers as tshark counts them" \
	"^  dns +$(tshark -r "$M" -Y dns 2>/dev/null | wc -l) packets" "$st"
conv=$(grep -E '^  tcp +192\.0\.2\.1:40000 <> 192\.0\.2\.2:8080 ' <<<"$st") ||
	fail "--stats: no conversation 192.0.2.1:40000 <> 192.0.2.2:8080 in:
$st"
a=$(awk '{ split($5, x, "/"); split($6, y, "/"); print x[1] + y[1] }' <<<"$conv")
assert_eq "--stats: packets of the 40000<>8080 conversation, both ways" \
	"$(tcpdump -r "$M" 'tcp port 40000' 2>/dev/null | wc -l)" "$a"
assert_match "--stats: top talker" '^  192\.0\.2\.1 ' "$(sed -n '/^top talkers/{n;p}' <<<"$st")"

# ---- rotation ----
count_all() { local n=0 f; for f in "$@"; do n=$((n + $(tshark -r "$f" 2>/dev/null | wc -l))); done; echo $n; }
mkdir -p "$OUT/c" && chmod 777 "$OUT/c"
run rotc -r "$M" -w "$OUT/c/part.pcap" -C 4k
assert_eq "-C exit status" 0 "$RC"
mapfile -t parts < <(cd "$OUT/c" && ls | sort -V)
log "-C 4k made: ${parts[*]}"
assert_ge "-C 4k: files" "${#parts[@]}" 4
assert_eq "-C: the first file is FILE itself" "part.pcap" "${parts[0]}"
assert_eq "-C: then FILE1, FILE2 ..." "part.pcap1" "${parts[1]}"
assert_eq "-C: numbered without gaps" "part.pcap$((${#parts[@]} - 1))" "${parts[-1]}"
assert_eq "-C: every packet in one of the files" 120 "$(count_all "$OUT"/c/part.pcap*)"
for f in "${parts[@]:0:${#parts[@]}-1}"; do
	sz=$(stat -c %s "$OUT/c/$f")
	assert_between "-C 4k: size of $f (over 4096, by less than one frame)" "$sz" 4097 $((4096 + 1600))
done

mkdir -p "$OUT/w" && chmod 777 "$OUT/w"
run rotw -r "$M" -w "$OUT/w/ring" -C 4k -W 3
mapfile -t ring < <(cd "$OUT/w" && ls | sort)
assert_eq "-C -W 3: a ring of three files" "ring0 ring1 ring2" "${ring[*]}"
run rotw11 -r "$M" -w "$OUT/w/wide" -C 1k -W 11
assert_eq "-W 11: numbers two digits wide" 1 "$(cd "$OUT/w" && ls wide00 2>/dev/null | wc -l)"
assert_eq "-W 11: no more than 11 files" 11 "$(cd "$OUT/w" && ls wide* | wc -l)"

mkdir -p "$OUT/g" && chmod 777 "$OUT/g"
run rotg -r "$M" -w "$OUT/g/t-%H%M%S.pcap" -G 30
mapfile -t gs < <(cd "$OUT/g" && ls | sort)
assert_eq "-G 30 over 120 s of packets: files named by the packets' time" \
	"t-221320.pcap t-221350.pcap t-221420.pcap t-221450.pcap" "${gs[*]}"
assert_eq "-G: 30 packets in each" "30 30 30 30" \
	"$(for f in "${gs[@]}"; do tshark -r "$OUT/g/$f" 2>/dev/null | wc -l; done | tr '\n' ' ' | sed 's/ $//')"
mkdir -p "$OUT/gw" && chmod 777 "$OUT/gw"
run rotgw -r "$M" -w "$OUT/gw/t-%H%M%S.pcap" -G 10 -W 3
assert_eq "-G -W 3 exit status" 0 "$RC"
assert_eq "-G -W 3: three files, then stop" 3 "$(ls "$OUT/gw" | wc -l)"
assert_contains "-G -W 3 message" "Maximum file limit reached: 3" "$(cat "$TMPD/rotgw.log")"
mkdir -p "$OUT/gc" && chmod 777 "$OUT/gc"
run rotgc -r "$M" -w "$OUT/gc/t-%M%S-" -G 60 -C 4k -W 9
assert_eq "-G with -C: the number restarts in each period" 1 \
	"$(cd "$OUT/gc" && ls | grep -c '^t-1420-0$')"
assert_eq "-G with -C: every packet kept" 120 "$(count_all "$OUT"/gc/*)"

# ---- privileges: as root, the files belong to the user it dropped to ----
if [ "$(id -u)" -eq 0 ]; then
	user=tcpdump
	getent passwd tcpdump >/dev/null || user=nobody
	run owner -r "$M" -w "$OUT/owner.pcap"
	assert_eq "owner of -w file (dropped to $user)" "$user" "$(stat -c %U "$OUT/owner.pcap")"
	run ownroot -r "$M" -w "$OUT/ownroot.pcap" -Z root
	assert_eq "owner of -w file with -Z root" root "$(stat -c %U "$OUT/ownroot.pcap")"
	mkdir -p "$TMPD/private" && chmod 700 "$TMPD/private"
	run private -r "$M" -w "$TMPD/private/x.pcap" -C 4k
	assert_eq "rotation into a root-only directory after the drop" 0 "$RC"
	assert_ge "files there" "$(ls "$TMPD/private" | wc -l)" 4
	run baduser -r "$M" -Z no-such-user-here
	assert_eq "exit status for -Z with an unknown user" 1 "$RC"
	assert_contains "unknown user message" "no-such-user-here" "$(cat "$TMPD/baduser.log")"
fi
log "all file checks passed"
