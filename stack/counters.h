/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every counter of the stack, in one list. Each drop reason is its own
 * counter, named <layer>_<what>. nlrsctl shows them by these names.
 */
#ifndef NLRS_COUNTERS_H
#define NLRS_COUNTERS_H

#define NLRS_COUNTERS(X) \
	X(link_rx, "frames received from devices") \
	X(link_rx_iface_down, "drop: frame arrived on an interface that is down or unknown") \
	X(link_tx, "frames handed to devices") \
	X(link_tx_errors, "drop: a device refused a frame") \
	X(link_tx_iface_down, "drop: output interface is down") \
	X(buf_alloc_fail, "drop: the buffer pool was empty") \
	X(eth_rx_short, "drop: Ethernet frame shorter than its header or tags") \
	X(eth_rx_bad_format, "drop: 802.3 length frame, LLC, or too many VLAN tags") \
	X(eth_rx_not_for_us, "drop: unicast frame for another MAC") \
	X(eth_rx_vlan, "drop: tagged frame with no VLAN interface for it") \
	X(eth_rx_unknown_type, "drop: EtherType not handled") \
	X(eth_rx_bad_source, "drop: source MAC is multicast or our own") \
	X(arp_rx, "ARP packets received") \
	X(arp_rx_short, "drop: ARP packet shorter than 28 bytes") \
	X(arp_rx_bad_format, "drop: ARP hardware/protocol type or lengths, or opcode, not Ethernet/IPv4") \
	X(arp_rx_bad_sender, "drop: ARP sender address is broadcast, multicast or ours") \
	X(arp_rx_not_for_us, "ARP for another host (cache not updated)") \
	X(arp_requests_sent, "ARP requests sent") \
	X(arp_replies_sent, "ARP replies sent") \
	X(arp_gratuitous_sent, "gratuitous ARP announcements sent") \
	X(arp_rate_limited, "ARP requests held back by the rate limit") \
	X(arp_resolve_failed, "drop: packets whose next hop never answered ARP") \
	X(arp_queue_full, "drop: too many packets waiting for one ARP resolution") \
	X(arp_cache_full, "drop: no ARP cache entry free for a new neighbour") \
	X(arp_conflict, "another host claimed one of our addresses") \
	X(ip_rx, "IPv4 packets received") \
	X(ip_rx_short, "drop: IPv4 packet shorter than 20 bytes") \
	X(ip_rx_bad_version, "drop: IP version field is not 4") \
	X(ip_rx_bad_hlen, "drop: IPv4 header length below 20 or past the packet") \
	X(ip_rx_bad_len, "drop: IPv4 total length below the header or past the frame") \
	X(ip_rx_bad_checksum, "drop: IPv4 header checksum wrong") \
	X(ip_rx_bad_options, "drop: IPv4 option length runs past the header") \
	X(ip_rx_bad_source, "drop: source address is broadcast, multicast, loopback or ours") \
	X(ip_rx_not_for_us, "drop: destination is not ours and forwarding is off") \
	X(ip_rx_unknown_proto, "drop: no handler for the IP protocol (ICMP protocol unreachable sent)") \
	X(ip_rx_options, "IPv4 packets that carried options (skipped)") \
	X(ip_tx, "IPv4 packets sent (before fragmentation)") \
	X(ip_tx_no_route, "drop: no route to the destination") \
	X(ip_tx_frag_needed, "drop: larger than the MTU with DF set") \
	X(ip_fwd, "IPv4 packets forwarded") \
	X(ip_fwd_bad_dest, "drop: destination never forwarded (loopback, 0/8, class E, directed broadcast)") \
	X(ip_fwd_ttl_exceeded, "drop: TTL ran out while forwarding (ICMP time exceeded sent)") \
	X(ip_loopback, "IPv4 packets delivered to ourselves") \
	X(frag_rx, "IPv4 fragments received") \
	X(frag_reassembled, "IPv4 datagrams reassembled") \
	X(frag_overlap, "drop: overlapping fragments (whole datagram dropped)") \
	X(frag_dup, "drop: exact duplicate fragment") \
	X(frag_too_big, "drop: fragment would end past 65535 bytes") \
	X(frag_bad_len, "drop: non-final fragment length not a multiple of 8") \
	X(frag_timeout, "drop: datagram not complete before the reassembly timeout") \
	X(frag_no_slot, "drop: no reassembly slot free") \
	X(frag_mem_limit, "drop: reassembly byte limit reached") \
	X(frag_tx, "IPv4 fragments sent") \
	X(icmp_rx, "ICMP messages received") \
	X(icmp_rx_short, "drop: ICMP message shorter than 8 bytes") \
	X(icmp_rx_bad_checksum, "drop: ICMP checksum wrong") \
	X(icmp_rx_bad_quote, "drop: ICMP error quoting a malformed or foreign datagram") \
	X(icmp_rx_unhandled, "ICMP types not acted on") \
	X(icmp_rx_bcast_echo, "drop: echo request to a broadcast/multicast address") \
	X(icmp_rx_errors, "ICMP errors received and delivered") \
	X(icmp_echo_replies, "ICMP echo replies sent") \
	X(icmp_errors_sent, "ICMP errors sent") \
	X(icmp_rate_limited, "ICMP errors not sent because of the rate limit") \
	X(udp_rx, "UDP datagrams received") \
	X(udp_rx_short, "drop: UDP datagram shorter than 8 bytes") \
	X(udp_rx_bad_len, "drop: UDP length field below 8 or past the IP payload") \
	X(udp_rx_bad_checksum, "drop: UDP checksum wrong") \
	X(udp_rx_no_port, "drop: no socket on the port (ICMP port unreachable sent)") \
	X(udp_rx_queue_full, "drop: socket receive buffer full") \
	X(udp_tx, "UDP datagrams sent") \
	X(raw_rx_queue_full, "drop: raw socket receive buffer full") \
	X(raw_rx, "packets delivered to raw sockets") \
	X(raw_tx, "packets sent from raw sockets") \
	X(tcp_rx, "TCP segments received") \
	X(tcp_rx_short, "drop: TCP segment shorter than its header or data offset") \
	X(tcp_rx_bad_option, "drop: TCP options malformed (length 0/1, past the header, wrong size)") \
	X(tcp_rx_bad_checksum, "drop: TCP checksum wrong") \
	X(tcp_rx_bad_dest, "drop: TCP segment to a broadcast or multicast address (RFC 1122 4.2.3.10)") \
	X(tcp_rx_no_conn, "segments for no connection or listener (RST sent unless it was an RST)") \
	X(tcp_rx_paws, "drop: timestamp older than TS.Recent (RFC 7323 5, PAWS)") \
	X(tcp_rx_out_of_window, "drop: segment outside the receive window (ACK sent)") \
	X(tcp_rx_rst_bad, "drop: RST with an unacceptable sequence or ACK number") \
	X(tcp_rx_ack_bad, "drop: ACK for data never sent or too old (RFC 5961 5.2)") \
	X(tcp_rx_no_ack, "drop: segment without ACK in a synchronized state") \
	X(tcp_rx_after_close, "data after the application closed; connection reset (RFC 2525 2.17)") \
	X(tcp_rx_ooo, "segments queued out of order") \
	X(tcp_rx_ooo_drop, "drop: out-of-order segment over the memory bound") \
	X(tcp_rx_dup, "segments wholly duplicate (already received)") \
	X(tcp_rx_urg, "segments with the URG flag (urgent data delivered inline)") \
	X(tcp_rx_rcvbuf_full, "drop: data beyond the receive buffer or no pool buffer") \
	X(tcp_tx, "TCP segments sent") \
	X(tcp_tx_fail, "TCP segments that could not be sent (no buffer, no route)") \
	X(tcp_rst_tx, "RST segments sent") \
	X(tcp_rst_rx, "RST segments accepted") \
	X(tcp_challenge_ack, "challenge ACKs sent (RFC 5961)") \
	X(tcp_challenge_ack_limited, "challenge ACKs held back by the rate limit") \
	X(tcp_active_opens, "connections opened by connect") \
	X(tcp_passive_opens, "connections accepted from a listener") \
	X(tcp_attempt_fails, "connection attempts that failed") \
	X(tcp_estab_resets, "established connections reset") \
	X(tcp_synq_overflow, "SYNs on a listener whose SYN queue was full") \
	X(tcp_accq_overflow, "drop: handshake completed but the accept queue was full") \
	X(tcp_syncookies_sent, "SYN cookies sent (RFC 4987 3.6)") \
	X(tcp_syncookies_ok, "connections made from a valid SYN cookie") \
	X(tcp_syncookies_bad, "ACKs carrying an invalid or expired SYN cookie") \
	X(tcp_no_tcb, "drop: no free TCP control block") \
	X(tcp_tw_recycled, "TIME-WAIT blocks reused for new connections") \
	X(tcp_tw_reuse_syn, "SYNs accepted in TIME-WAIT (RFC 6191)") \
	X(tcp_retrans, "segments retransmitted") \
	X(tcp_timeouts, "retransmission timeouts") \
	X(tcp_tlp, "tail loss probes sent (RFC 8985 7)") \
	X(tcp_lost_retrans, "retransmissions found lost by later SACKs and sent again") \
	X(tcp_rack_recovery, "recoveries started by time-based loss detection (after RFC 8985 6.2)") \
	X(tcp_fast_retrans, "fast retransmits") \
	X(tcp_early_retrans, "early retransmits with few segments out (RFC 5827)") \
	X(tcp_sack_recovery, "loss recoveries driven by SACK (RFC 6675)") \
	X(tcp_reno_recovery, "loss recoveries without SACK (RFC 6582)") \
	X(tcp_sack_retrans, "segments retransmitted from SACK holes") \
	X(tcp_dsack_rx, "D-SACK blocks received") \
	X(tcp_zero_window_probes, "zero-window probes sent") \
	X(tcp_keepalive_probes, "keepalive probes sent") \
	X(tcp_delayed_acks, "ACKs sent by the delayed-ACK timer") \
	X(tcp_pmtu_lowered, "send MSS lowered by ICMP fragmentation needed (RFC 1191)") \
	X(tcp_icmp_errors, "ICMP errors for TCP connections")

enum nlrs_counter_id {
#define NLRS_CTR_ENUM(name, help) NLRS_CTR_##name,
	NLRS_COUNTERS(NLRS_CTR_ENUM)
#undef NLRS_CTR_ENUM
	NLRS_CTR_MAX
};

#endif
