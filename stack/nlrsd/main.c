/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nlrsd: the Netloom stack process. Order of start-up:
 *   1. parse and check the whole configuration (exit 2 on any error,
 *      before anything is opened);
 *   2. allocate the stack's memory once and build the stack;
 *   3. block the signals we handle, check the control socket path
 *      (refusing one another nlrsd serves, before any device is touched);
 *   4. open the devices (the privileged step), wrap them (fault injector,
 *      then capture on top), attach, address, bring up, add routes;
 *   5. bind the control socket (it appears once nlrsd is ready), detach
 *      (-d), make the signalfd, write the pid file, drop every
 *      capability, run the loop;
 *   6. on SIGTERM/SIGINT: close devices (flushing captures), remove the
 *      socket and the pid file, release the stack, exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "nlrsd.h"

static int stack_create(struct nlrsd *d, const struct nlrsd_config *cfg)
{
	struct nlrs_stack_config sc;
	size_t need;
	int rc;

	nlrs_stack_config_default(&sc);
	sc.buffers = cfg->buffers;
	sc.buf_size = cfg->buf_size;
	sc.sockets = cfg->sockets;
	sc.arp_entries = cfg->arp_entries;
	sc.reasm_timeout = NLRS_MSEC(cfg->reasm_timeout_ms);
	sc.forwarding = cfg->forward;
	sc.tcp_conns = cfg->tcp_conns;
	sc.tcp_sndbuf = cfg->tcp_sndbuf;
	sc.tcp_rcvbuf = cfg->tcp_rcvbuf;
	sc.tcp_rmem_max = cfg->tcp_rmem_max;
	sc.tcp_wmem_max = cfg->tcp_wmem_max;
	sc.tcp_msl = NLRS_MSEC(cfg->tcp_msl_ms);
	sc.tcp_mss_default = cfg->tcp_mss_default;
	sc.tcp_syncookies = cfg->tcp_syncookies;
	sc.tcp_no_sack = !cfg->tcp_sack;
	sc.tcp_no_timestamps = !cfg->tcp_timestamps;
	sc.tcp_no_wscale = !cfg->tcp_wscale;
	sc.tcp_cc = cfg->tcp_cc;
	if (sc.max_ifaces < cfg->niface)
		sc.max_ifaces = (uint16_t)cfg->niface;
	nlrs_port_hosted(&sc.port);
	sc.port.log = nlrsd_log_stack;

	need = nlrs_stack_mem_size(&sc);
	/* the stack's one allocation: it never allocates afterwards */
	if (posix_memalign(&d->mem, 64, need)) {
		nlrsd_log(NLRS_LOG_ERR, "cannot allocate %zu bytes for the stack", need);
		return -ENOMEM;
	}
	rc = nlrs_stack_init(&d->s, &sc, d->mem, need);
	if (rc) {
		nlrsd_log(NLRS_LOG_ERR,
			  "stack configuration rejected (buffers %u, buf-size %u, tcp-conns %u): %s",
			  (unsigned)sc.buffers, (unsigned)sc.buf_size, (unsigned)sc.tcp_conns,
			  strerror(-rc));
		free(d->mem);
		d->mem = NULL;
		return rc;
	}
	nlrsd_log(NLRS_LOG_DEBUG, "stack memory: %zu bytes", need);
	return 0;
}

static void random_mac(uint8_t mac[6])
{
	if (getrandom(mac, 6, 0) != 6) {
		/* getrandom(6 bytes) does not fail once the pool is ready */
		uint64_t t = nlrs_clock_now() ^ ((uint64_t)getpid() << 24);

		memcpy(mac, &t, 6);
	}
	mac[0] = 0x02; /* locally administered, unicast */
}

static bool fault_configured(const struct nlrs_fault_config *f)
{
	return f->drop_chance || f->corrupt_chance || f->reorder_chance || f->dup_chance ||
	       f->size_limit || f->tx_rate_limit || f->rx_rate_limit;
}

static void fmt_ip(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255u, (a >> 8) & 255u, a & 255u);
}

/* Open, wrap, attach and configure one interface. */
static int dev_setup(struct nlrsd *d, const struct nlrsd_config *cfg, const struct nlrsd_iface *ifc)
{
	struct nlrsd_dev *dv = &d->dev[d->ndev];
	struct nlrs_netdev *nd = NULL, *w, *fault = NULL;
	struct epoll_event ev = { .events = EPOLLIN };
	uint8_t mac[6] = { 0 };
	char pcap[NLRSD_PATH_MAX + NLRS_IFNAMSIZ + 2];
	char why[256] = "";
	bool has_mac = true; /* an Ethernet device: the stack needs a MAC */
	int rc;

	switch (ifc->type) {
	case NLRSD_IF_TAP:
		rc = nlrs_tap_open(&nd, ifc->name, nlrs_stack_pool(d->s));
		if (!rc) {
			if (ifc->mac_set)
				memcpy(mac, ifc->mac, 6);
			else
				random_mac(mac);
		}
		break;
	case NLRSD_IF_PCAP:
		/* the device filters on the stack's MAC: it picks it */
		rc = nlrs_pcapdev_open(&nd, ifc->name, nlrs_stack_pool(d->s),
				       ifc->mac_set ? ifc->mac : NULL,
				       ifc->promisc ? NLRS_PCAPDEV_PROMISC : 0, why, sizeof(why));
		if (!rc)
			memcpy(mac, nd->mac, 6);
		break;
	case NLRSD_IF_LOOPBACK:
		rc = nlrs_loopback_open(&nd, ifc->name, nlrs_stack_pool(d->s),
					ifc->mtu ? ifc->mtu : 1500);
		has_mac = false;
		break;
	case NLRSD_IF_SLIP: {
		struct nlrs_slip_config sc = { .path = ifc->slip_path, .name = ifc->name,
					       .mtu = ifc->mtu,
					       .flags = ifc->cslip ? NLRS_SLIP_CSLIP : 0 };

		rc = nlrs_slip_open(&nd, &sc, nlrs_stack_pool(d->s), why, sizeof(why));
		has_mac = false;
		break;
	}
	default:
		rc = -EINVAL;
		break;
	}
	if (rc) {
		nlrsd_log(NLRS_LOG_ERR, "%s: cannot open %s device: %s%s%s", ifc->name,
			  nlrsd_iface_type_name(ifc->type), strerror(-rc), why[0] ? ": " : "", why);
		return rc;
	}
	/* pcap: the stack is one more host on a link it does not own */
	if (ifc->type == NLRSD_IF_PCAP && ifc->mtu > nd->mtu) {
		nlrsd_log(NLRS_LOG_ERR, "%s: MTU %u is above the interface's %u", ifc->name,
			  ifc->mtu, nd->mtu);
		rc = -EINVAL;
		goto err_close;
	}
	/* One link, one MTU: the kernel side of the TAP follows --mtu. */
	if (ifc->type == NLRSD_IF_TAP && ifc->mtu && (rc = nlrs_tap_set_mtu(nd, ifc->mtu))) {
		nlrsd_log(NLRS_LOG_ERR, "%s: cannot set MTU %u: %s", ifc->name, ifc->mtu,
			  strerror(-rc));
		goto err_close;
	}
	if (fault_configured(&cfg->fault)) {
		rc = nlrs_fault_wrap(&w, nd, &cfg->fault, 0);
		if (rc) {
			nlrsd_log(NLRS_LOG_ERR, "%s: fault injector: %s", ifc->name, strerror(-rc));
			goto err_close;
		}
		nd = fault = w;
	}
	if (cfg->pcap_file[0]) {
		if (cfg->niface == 1)
			snprintf(pcap, sizeof(pcap), "%s", cfg->pcap_file);
		else
			snprintf(pcap, sizeof(pcap), "%s.%s", cfg->pcap_file, ifc->name);
		rc = nlrs_capture_wrap(&w, nd, pcap);
		if (rc) {
			nlrsd_log(NLRS_LOG_ERR, "%s: capture to %s: %s", ifc->name, pcap, strerror(-rc));
			goto err_close;
		}
		nd = w;
		nlrsd_log(NLRS_LOG_INFO, "%s: capturing to %s", ifc->name, pcap);
	}

	rc = nlrs_netdev_attach(d->s, nd, ifc->name, mac);
	if (rc < 0) {
		nlrsd_log(NLRS_LOG_ERR, "%s: cannot attach to the stack: %s", ifc->name, strerror(-rc));
		goto err_close;
	}
	dv->dev = nd;
	dv->fault = fault;
	dv->ifindex = rc;
	dv->err_streak = 0;
	dv->failed = false;
	d->ndev++; /* from here on, tear-down closes it */

	if (ifc->mtu && (rc = nlrs_iface_set_mtu(d->s, dv->ifindex, ifc->mtu))) {
		nlrsd_log(NLRS_LOG_ERR, "%s: MTU %u rejected: %s", ifc->name, ifc->mtu, strerror(-rc));
		return rc;
	}
	for (unsigned k = 0; k < ifc->naddr; k++) {
		char a[16];

		rc = nlrs_iface_addr_add(d->s, dv->ifindex, ifc->addr[k], ifc->prefixlen[k]);
		if (rc) {
			fmt_ip(ifc->addr[k], a, sizeof(a));
			nlrsd_log(NLRS_LOG_ERR, "%s: address %s/%u rejected: %s", ifc->name, a,
				  ifc->prefixlen[k], strerror(-rc));
			return rc;
		}
	}
	rc = nlrs_iface_set_up(d->s, dv->ifindex, true);
	if (rc) {
		nlrsd_log(NLRS_LOG_ERR, "%s: cannot bring up: %s", ifc->name, strerror(-rc));
		return rc;
	}
	/* a point-to-point link: the far end is reached through it whatever
	 * the prefix says */
	if (ifc->peer && (rc = nlrs_route_add(d->s, ifc->peer, 32, 0, dv->ifindex, 0))) {
		char a[16];

		fmt_ip(ifc->peer, a, sizeof(a));
		nlrsd_log(NLRS_LOG_ERR, "%s: route to peer %s rejected: %s", ifc->name, a,
			  strerror(-rc));
		return rc;
	}
	if (nd->fd >= 0) {
		ev.data.u64 = NLRSD_TAG_DEV + d->ndev - 1;
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, nd->fd, &ev)) {
			rc = -errno;
			nlrsd_log(NLRS_LOG_ERR, "%s: epoll: %s", ifc->name, strerror(errno));
			return rc;
		}
	}
	if (has_mac)
		nlrsd_log(NLRS_LOG_INFO, "%s: %s up, mac %02x:%02x:%02x:%02x:%02x:%02x, %u address%s",
			  ifc->name, nlrsd_iface_type_name(ifc->type), mac[0], mac[1], mac[2], mac[3],
			  mac[4], mac[5], ifc->naddr, ifc->naddr == 1 ? "" : "es");
	else
		nlrsd_log(NLRS_LOG_INFO, "%s: %s up, mtu %u, %u address%s", ifc->name,
			  nlrsd_iface_type_name(ifc->type), nd->mtu, ifc->naddr,
			  ifc->naddr == 1 ? "" : "es");
	return 0;

err_close:
	nlrs_netdev_close(nd);
	return rc;
}

/* An 802.1Q sub-interface of a device set up before: no device of its
 * own, the stack tags and untags on the parent's. */
static int vlan_setup(struct nlrsd *d, const struct nlrsd_iface *ifc)
{
	char parent[NLRS_IFNAMSIZ] = "", a[16];
	uint16_t vid = 0;
	int px, ifx, rc;

	if (nlrsd_vlan_split(ifc->name, parent, &vid) || (px = nlrs_iface_find(d->s, parent)) < 0) {
		nlrsd_log(NLRS_LOG_ERR, "%s: no parent interface %s", ifc->name, parent);
		return -ENODEV;
	}
	ifx = nlrs_iface_add_vlan(d->s, px, vid, ifc->name);
	if (ifx < 0) {
		nlrsd_log(NLRS_LOG_ERR, "%s: cannot add VLAN %u on %s: %s", ifc->name, vid, parent,
			  strerror(-ifx));
		return ifx;
	}
	if (ifc->mtu && (rc = nlrs_iface_set_mtu(d->s, ifx, ifc->mtu))) {
		nlrsd_log(NLRS_LOG_ERR, "%s: MTU %u rejected: %s", ifc->name, ifc->mtu, strerror(-rc));
		return rc;
	}
	for (unsigned k = 0; k < ifc->naddr; k++) {
		rc = nlrs_iface_addr_add(d->s, ifx, ifc->addr[k], ifc->prefixlen[k]);
		if (rc) {
			fmt_ip(ifc->addr[k], a, sizeof(a));
			nlrsd_log(NLRS_LOG_ERR, "%s: address %s/%u rejected: %s", ifc->name, a,
				  ifc->prefixlen[k], strerror(-rc));
			return rc;
		}
	}
	rc = nlrs_iface_set_up(d->s, ifx, true);
	if (rc) {
		nlrsd_log(NLRS_LOG_ERR, "%s: cannot bring up: %s", ifc->name, strerror(-rc));
		return rc;
	}
	nlrsd_log(NLRS_LOG_INFO, "%s: VLAN %u on %s up, %u address%s", ifc->name, vid, parent,
		  ifc->naddr, ifc->naddr == 1 ? "" : "es");
	return 0;
}

static int routes_setup(struct nlrsd *d, const struct nlrsd_config *cfg)
{
	for (unsigned r = 0; r < cfg->nroute; r++) {
		const struct nlrsd_route *rt = &cfg->route[r];
		int rc = nlrs_route_add(d->s, rt->dst, rt->prefixlen, rt->gw, -1, 0);

		if (rc) {
			char a[16], g[16];

			fmt_ip(rt->dst, a, sizeof(a));
			fmt_ip(rt->gw, g, sizeof(g));
			nlrsd_log(NLRS_LOG_ERR, "route %s/%u via %s rejected: %s", a, rt->prefixlen, g,
				  strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static void devices_close(struct nlrsd *d)
{
	for (unsigned i = d->ndev; i-- > 0;) {
		if (d->dev[i].dev->fd >= 0 && !d->dev[i].failed)
			epoll_ctl(d->epfd, EPOLL_CTL_DEL, d->dev[i].dev->fd, NULL);
		nlrs_iface_set_up(d->s, d->dev[i].ifindex, false);
		if (d->dev[i].fault) {
			struct nlrs_fault_stats fs;

			nlrs_fault_stats(d->dev[i].fault, &fs);
			nlrsd_log(NLRS_LOG_INFO,
				  "%s: fault injector: dropped %llu, corrupted %llu, reordered %llu, "
				  "duplicated %llu, oversize %llu, rate-limited %llu",
				  d->dev[i].dev->name, (unsigned long long)fs.dropped,
				  (unsigned long long)fs.corrupted, (unsigned long long)fs.reordered,
				  (unsigned long long)fs.duplicated, (unsigned long long)fs.oversize,
				  (unsigned long long)fs.rate_limited);
		}
		{
			struct nlrs_slip_stats ss;

			if (!nlrs_slip_stats(d->dev[i].dev, &ss))
				nlrsd_log(NLRS_LOG_INFO,
					  "%s: slip: rx %llu frames, tx %llu frames; framing errors: "
					  "oversize %llu, bad escape %llu, runt %llu; cslip errors %llu, "
					  "tossed %llu; tx compressed %llu, uncompressed %llu",
					  d->dev[i].dev->name, (unsigned long long)ss.rx_frames,
					  (unsigned long long)ss.tx_frames,
					  (unsigned long long)ss.rx_oversize,
					  (unsigned long long)ss.rx_bad_escape,
					  (unsigned long long)ss.rx_runt,
					  (unsigned long long)ss.rx_cslip_errors,
					  (unsigned long long)ss.rx_cslip_tossed,
					  (unsigned long long)ss.cslip_tx_compressed,
					  (unsigned long long)ss.cslip_tx_uncompressed);
		}
		nlrs_netdev_close(d->dev[i].dev); /* closes the wrappers too; flushes captures */
		d->dev[i].dev = NULL;
	}
	d->ndev = 0;
}

static void signals_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

/* Block the signals we handle: from now on they wait for the signalfd. */
static int signals_block(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	signals_set(&set);
	return sigprocmask(SIG_BLOCK, &set, NULL) ? -errno : 0;
}

/* The signalfd is made in the process that will read it, after -d forks:
 * its poll wake-up is tied to the process that added it to epoll. */
static int signals_setup(struct nlrsd *d)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = NLRSD_TAG_SIGNAL };
	sigset_t set;

	signals_set(&set);
	d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sigfd < 0)
		return -errno;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->sigfd, &ev))
		return -errno;
	return 0;
}

/*
 * Detach from the terminal: fork, setsid, fork again. The original process
 * waits on a pipe and exits 0 only when the daemon reports it is serving
 * (so "nlrsd -d && nlrsctl" works), 1 if it died first. Returns the write
 * end of that pipe in the daemon, -1 on failure.
 */
static int daemonize(void)
{
	int p[2], devnull;
	pid_t pid;
	char ok;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(p[1]);
		/* _exit: the parent must not run atexit handlers or flush the
		 * child's copy of stdio buffers twice */
		_exit(read(p[0], &ok, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	if (setsid() < 0)
		_exit(1);
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(0);
	if (chdir("/"))
		_exit(1);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		if (devnull > STDERR_FILENO)
			close(devnull);
	}
	return p[1];
}

/*
 * Opening TAP devices is the only step that needs privilege (CAP_NET_ADMIN).
 * Once the devices, capture files, control socket and pid file are open,
 * give up every capability for good (OpenBSD privsep's habit, without a
 * second process): the uid stays, so the files made at start can still be
 * removed at exit, but a bug in the packet path can no longer reconfigure
 * the host. Failure is logged, not fatal (e.g. under a seccomp sandbox).
 */
static void drop_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		nlrsd_log(NLRS_LOG_WARN, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
	/* the bounding set first: that needs CAP_SETPCAP, dropped below */
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL && errno != EPERM)
			break;
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data))
		nlrsd_log(NLRS_LOG_WARN, "cannot drop capabilities: %s", strerror(errno));
	else
		nlrsd_log(NLRS_LOG_DEBUG, "devices open: all capabilities dropped");
}

static int pidfile_write(const char *path)
{
	char buf[32];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	int n;

	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		int e = errno ? errno : EIO;

		close(fd);
		unlink(path);
		return -e;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	static struct nlrsd_config cfg;
	static struct nlrsd d;
	char err[NLRSD_PATH_MAX + 512];
	int rc, ready_fd = -1, status = 1;

	nlrsd_config_init(&cfg, getenv("NLRS_SOCKET"));
	switch (nlrsd_config_parse_args(&cfg, argc, argv, err, sizeof(err))) {
	case NLRSD_ARGS_ERROR:
		fprintf(stderr, "nlrsd: %s\n", err);
		return 2;
	case NLRSD_ARGS_HELP:
		fputs(nlrsd_usage, stdout);
		return 0;
	case NLRSD_ARGS_VERSION:
		puts("nlrsd " NLRSD_VERSION);
		return 0;
	case NLRSD_ARGS_RUN:
		break;
	}
	if (cfg.check_config) {
		nlrsd_config_print(&cfg, stdout);
		return 0;
	}

	nlrsd_log_init(cfg.log_level, cfg.syslog);
	d.cfg = &cfg;
	d.sigfd = -1;
	d.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d.epfd < 0) {
		nlrsd_log(NLRS_LOG_ERR, "epoll_create1: %s", strerror(errno));
		return 1;
	}
	rc = stack_create(&d, &cfg);
	if (rc)
		return rc == -EINVAL ? 2 : 1;
	d.started = nlrs_clock_now();
	rc = signals_block();
	if (rc) {
		nlrsd_log(NLRS_LOG_ERR, "signals: %s", strerror(-rc));
		goto out_stack;
	}
	nlrsd_control_init(&d.ctl);
	nlrsd_sessions_init(&d.sess);
	d.echo.sd = -1;
	if (nlrsd_control_check(cfg.socket_path))
		goto out_stack;

	for (unsigned i = 0; i < cfg.niface; i++)
		if (cfg.iface[i].type != NLRSD_IF_VLAN && dev_setup(&d, &cfg, &cfg.iface[i]))
			goto out_devices;
	/* sub-interfaces once every device they may ride on is there */
	for (unsigned i = 0; i < cfg.niface; i++)
		if (cfg.iface[i].type == NLRSD_IF_VLAN && vlan_setup(&d, &cfg.iface[i]))
			goto out_devices;
	if (routes_setup(&d, &cfg))
		goto out_devices;
	if (cfg.udp_echo) {
		rc = nlrsd_echo_start(&d.echo, d.s, cfg.udp_echo);
		if (rc) {
			nlrsd_log(NLRS_LOG_ERR, "udp-echo on port %u: %s", cfg.udp_echo, strerror(-rc));
			goto out_devices;
		}
		nlrsd_log(NLRS_LOG_INFO, "udp-echo: serving RFC 862 echo on UDP port %u", cfg.udp_echo);
	}

	/* the socket appears when nlrsd is ready: scripts may wait for it */
	if (nlrsd_control_open(&d.ctl, cfg.socket_path, d.epfd, NLRSD_TAG_LISTEN, NLRSD_TAG_CLIENT))
		goto out_echo;
	nlrsd_control_set_stack(&d.ctl, d.s, NLRSD_VERSION, d.started);
	{
		/* the app socket (session.h): the control socket's path + ".app" */
		char app[NLRSD_SOCKET_MAX + 8];

		snprintf(app, sizeof(app), "%s.app", cfg.socket_path);
		if (nlrsd_sessions_open(&d.sess, app, d.s, d.epfd))
			goto out_echo;
	}

	if (cfg.daemon) {
		ready_fd = daemonize();
		if (ready_fd < 0) {
			nlrsd_log(NLRS_LOG_ERR, "cannot daemonize: %s", strerror(errno));
			goto out_echo;
		}
		nlrsd_log_to_syslog();
	}
	rc = signals_setup(&d);
	if (rc) {
		nlrsd_log(NLRS_LOG_ERR, "signalfd: %s", strerror(-rc));
		goto out_echo;
	}
	if (cfg.pid_file[0] && (rc = pidfile_write(cfg.pid_file))) {
		nlrsd_log(NLRS_LOG_ERR, "pid file %s: %s", cfg.pid_file, strerror(-rc));
		goto out_echo;
	}
	drop_privileges();
	nlrsd_log(NLRS_LOG_INFO, "nlrsd %s (pid %ld) serving, control socket %s", NLRSD_VERSION,
		  (long)getpid(), cfg.socket_path);
	if (ready_fd >= 0) {
		(void)!write(ready_fd, "", 1);
		close(ready_fd);
		ready_fd = -1;
	}

	status = nlrsd_loop_run(&d) == 0 ? 0 : 1;

	if (cfg.pid_file[0])
		unlink(cfg.pid_file);
out_echo:
	nlrsd_sessions_close(&d.sess);
	nlrsd_echo_stop(&d.echo);
out_devices:
	devices_close(&d);
	nlrsd_control_close(&d.ctl);
out_stack:
	if (d.sigfd >= 0)
		close(d.sigfd);
	close(d.epfd);
	nlrs_stack_fini(d.s);
	free(d.mem);
	if (ready_fd >= 0)
		close(ready_fd); /* the waiting parent exits 1 */
	if (status == 0)
		nlrsd_log(NLRS_LOG_INFO, "stopped");
	return status;
}
