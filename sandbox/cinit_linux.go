//go:build linux && cgo

package sandbox

/*
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

// The sandbox init in C. A sandboxed run without the proxy forwarder (the
// only part of the init that needs Go's net package) starts its init with
// AIRLOCK_SANDBOX_STAGE=cinit; in a binary built with cgo this constructor
// takes over before the Go runtime starts, carries out the same steps as
// InitMain (child_linux.go, mount_linux.go, landlock_linux.go) from the
// plan the supervisor encodes in cinitPlan, and exits. That saves the
// init's Go start-up (runtime, its threads and their wake-ups), most of a
// millisecond of every run. Without cgo, InitMain reads the same stream
// and does the same work.
//
// Every step mirrors its Go counterpart and reports failures with the same
// step names; the escape suite runs against this code.

struct ci_plan {
	const char *workdir, *home, *hostname;
	const char **cgjoin; int ncgjoin;
	const char **cgleave; int ncgleave;
	const char **robind; int nrobind;
	const char **protect; int nprotect;
	const char **mask; int nmask;
	const char **argv; int nargv;
	char **env; int nenv;
	long long tmpsize;
	int sys;
	int use_ll, ll_abi;
	uint64_t ll_fs, ll_net, ll_scoped, ll_filemask;
	int ll_size;
	const char **ll_path; uint64_t *ll_access; int nll;
	uint64_t *ll_port; uint64_t *ll_port_access; int nport;
	struct sock_filter *filter; int nfilter;
};

static struct ci_plan ci;
static int ci_status_fd = 5;

// ci_json writes s as a JSON string.
static void ci_json(FILE *f, const char *s) {
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
		else if (*p < 0x20) fprintf(f, "\\u%04x", *p);
		else fputc(*p, f);
	}
	fputc('"', f);
}

static void ci_write_status(const char *buf, size_t n) {
	while (n > 0) {
		ssize_t w = write(ci_status_fd, buf, n);
		if (w < 0 && errno == EINTR) continue;
		if (w <= 0) return;
		buf += w; n -= (size_t)w;
	}
}

#define CI_NOT_FOUND 1
#define CI_UNAVAILABLE 2

// ci_fail reports a failed step as the Go init does and returns 125.
static int ci_fail(const char *step, const char *msg, int not_found) {
	char *buf = NULL; size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (f == NULL) return 125;
	fputs("{\"stage\":\"error\"", f);
	if (step != NULL && step[0]) { fputs(",\"step\":", f); ci_json(f, step); }
	fputs(",\"error\":", f); ci_json(f, msg);
	if (not_found & CI_NOT_FOUND) fputs(",\"not_found\":true", f);
	if (not_found & CI_UNAVAILABLE) fputs(",\"unavailable\":true", f);
	fputs(",\"code\":0}\n", f);
	fclose(f);
	ci_write_status(buf, n);
	free(buf);
	return 125;
}

// ci_errno lower-cases strerror as Go's syscall.Errno messages are.
static const char *ci_errstr(int e) {
	static char b[128];
	snprintf(b, sizeof b, "%s", strerror(e));
	if (b[0] >= 'A' && b[0] <= 'Z') b[0] = (char)(b[0] - 'A' + 'a');
	return b;
}

static char ci_step[4096];
static char ci_msg[4096];

static int ci_err(const char *step, int e) {
	snprintf(ci_step, sizeof ci_step, "%s", step);
	snprintf(ci_msg, sizeof ci_msg, "%s", ci_errstr(e));
	return -1;
}

static int ci_errf2(const char *a, const char *b, int e) {
	snprintf(ci_step, sizeof ci_step, "%s%s", a, b);
	snprintf(ci_msg, sizeof ci_msg, "%s", ci_errstr(e));
	return -1;
}

static int ci_hex(char c) {
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

// ci_parse reads the plan: "key=value" records, each ended by a NUL.
static int ci_parse(char *p, size_t n) {
	char *end = p + n;
	// Every list gets room for all records (plus a NULL): no fixed limits.
	size_t recs = 1;
	for (char *q = p; q < end; q++)
		if (*q == 0) recs++;
	ci.cgjoin = calloc(recs, sizeof(char *));
	ci.cgleave = calloc(recs, sizeof(char *));
	ci.robind = calloc(recs, sizeof(char *));
	ci.protect = calloc(recs, sizeof(char *));
	ci.mask = calloc(recs, sizeof(char *));
	ci.argv = calloc(recs, sizeof(char *));
	ci.env = calloc(recs, sizeof(char *));
	ci.ll_path = calloc(recs, sizeof(char *));
	ci.ll_access = calloc(recs, sizeof(uint64_t));
	ci.ll_port = calloc(recs, sizeof(uint64_t));
	ci.ll_port_access = calloc(recs, sizeof(uint64_t));
	if (!ci.cgjoin || !ci.cgleave || !ci.robind || !ci.protect || !ci.mask || !ci.argv || !ci.env || !ci.ll_path || !ci.ll_access ||
		!ci.ll_port || !ci.ll_port_access) return -1;
	while (p < end) {
		char *rec = p;
		char *z = memchr(p, 0, (size_t)(end - p));
		if (z == NULL) return -1;
		p = z + 1;
		char *eq = strchr(rec, '=');
		if (eq == NULL) return -1;
		*eq = 0;
		char *k = rec, *v = eq + 1;
#define CI_ADD(arr, cnt) ((arr)[(cnt)++] = v)
		if (!strcmp(k, "workdir")) ci.workdir = v;
		else if (!strcmp(k, "home")) ci.home = v;
		else if (!strcmp(k, "hostname")) ci.hostname = v;
		else if (!strcmp(k, "cgjoin")) CI_ADD(ci.cgjoin, ci.ncgjoin);
		else if (!strcmp(k, "cgleave")) CI_ADD(ci.cgleave, ci.ncgleave);
		else if (!strcmp(k, "robind")) CI_ADD(ci.robind, ci.nrobind);
		else if (!strcmp(k, "protect")) CI_ADD(ci.protect, ci.nprotect);
		else if (!strcmp(k, "mask")) CI_ADD(ci.mask, ci.nmask);
		else if (!strcmp(k, "argv")) CI_ADD(ci.argv, ci.nargv);
		else if (!strcmp(k, "env")) CI_ADD(ci.env, ci.nenv);
		else if (!strcmp(k, "tmpsize")) ci.tmpsize = strtoll(v, NULL, 10);
		else if (!strcmp(k, "sys")) ci.sys = 1;
		else if (!strcmp(k, "landlock")) ci.use_ll = 1;
		else if (!strcmp(k, "ll_abi")) ci.ll_abi = atoi(v);
		else if (!strcmp(k, "ll_fs")) ci.ll_fs = strtoull(v, NULL, 10);
		else if (!strcmp(k, "ll_net")) ci.ll_net = strtoull(v, NULL, 10);
		else if (!strcmp(k, "ll_scoped")) ci.ll_scoped = strtoull(v, NULL, 10);
		else if (!strcmp(k, "ll_size")) ci.ll_size = atoi(v);
		else if (!strcmp(k, "ll_filemask")) ci.ll_filemask = strtoull(v, NULL, 10);
		else if (!strcmp(k, "ll_path")) {
			// access:path
			char *c = strchr(v, ':');
			if (c == NULL) return -1;
			*c = 0;
			ci.ll_access[ci.nll] = strtoull(v, NULL, 10);
			ci.ll_path[ci.nll++] = c + 1;
		} else if (!strcmp(k, "ll_port")) {
			char *c = strchr(v, ':');
			if (c == NULL) return -1;
			*c = 0;
			ci.ll_port_access[ci.nport] = strtoull(v, NULL, 10);
			ci.ll_port[ci.nport++] = strtoull(c + 1, NULL, 10);
		} else if (!strcmp(k, "filter")) {
			size_t l = strlen(v);
			if (l == 0 || l % 16 != 0) return -1;
			ci.nfilter = (int)(l / 16);
			unsigned char *b = malloc(l / 2);
			if (b == NULL) return -1;
			for (size_t i = 0; i < l / 2; i++) {
				int hi = ci_hex(v[2 * i]), lo = ci_hex(v[2 * i + 1]);
				if (hi < 0 || lo < 0) return -1;
				b[i] = (unsigned char)(hi << 4 | lo);
			}
			ci.filter = (struct sock_filter *)b;
		} else return -1;
#undef CI_ADD
	}
	ci.argv[ci.nargv] = NULL;
	ci.env[ci.nenv] = NULL;
	if (ci.workdir == NULL || ci.nargv == 0 || ci.filter == NULL || ci.hostname == NULL) return -1;
	return 0;
}

// ---- the new root (mount_linux.go) ----

#define CI_OLDROOT "/.oldroot"

struct ci_mount_attr { uint64_t attr_set, attr_clr, propagation, userns_fd; };
#define CI_MOUNT_ATTR_RDONLY 0x1
#define CI_MOUNT_ATTR_NOSUID 0x2
#define CI_MOUNT_ATTR_NODEV 0x4
#define CI_AT_RECURSIVE 0x8000

static int ci_setattr(const char *path, unsigned flags, uint64_t set) {
	struct ci_mount_attr a = { set, 0, 0, 0 };
	return (int)syscall(SYS_mount_setattr, -1, path, flags, &a, sizeof a);
}

// ci_mkdirall is os.MkdirAll: existing directories are fine.
static int ci_mkdirall(const char *path, mode_t mode) {
	char b[4096];
	struct stat st;
	if (stat(path, &st) == 0) return S_ISDIR(st.st_mode) ? 0 : (errno = ENOTDIR, -1);
	if (snprintf(b, sizeof b, "%s", path) >= (int)sizeof b) return errno = ENAMETOOLONG, -1;
	size_t l = strlen(b);
	while (l > 1 && b[l - 1] == '/') b[--l] = 0;
	char *s = strrchr(b, '/');
	if (s != NULL && s != b) {
		*s = 0;
		if (ci_mkdirall(b, mode) != 0) return -1;
		*s = '/';
	}
	if (mkdir(b, mode) != 0 && errno != EEXIST) return -1;
	return 0;
}

static int ci_parent(const char *dst) {
	char b[4096];
	if (snprintf(b, sizeof b, "%s", dst) >= (int)sizeof b) return errno = ENAMETOOLONG, -1;
	char *s = strrchr(b, '/');
	if (s == NULL || s == b) return 0;
	*s = 0;
	return ci_mkdirall(b, 0755);
}

enum { CI_SYMLINK, CI_DIR, CI_FILE };

// ci_create makes the mount point, creating the parent when missing; an
// existing target is fine (bindTo's withParent).
static int ci_create(int kind, const char *target, const char *dst) {
	for (int i = 0; i < 2; i++) {
		int r;
		if (kind == CI_SYMLINK) r = symlink(target, dst);
		else if (kind == CI_DIR) r = mkdir(dst, 0755);
		else {
			r = open(dst, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
			if (r >= 0) { close(r); r = 0; }
		}
		if (r == 0 || errno == EEXIST) return 0;
		if (errno != ENOENT || i == 1) return -1;
		if (ci_parent(dst) != 0) return -1;
	}
	return -1;
}

static int ci_bind_to(const char *src, const char *dst, int ro, int nodev) {
	struct stat st;
	if (lstat(src, &st) != 0) {
		if (errno == ENOENT) return 0;
		return ci_errf2("stat ", src, errno);
	}
	if (S_ISLNK(st.st_mode)) {
		char t[4096];
		ssize_t n = readlink(src, t, sizeof t - 1);
		if (n < 0) return ci_errf2("readlink ", src, errno);
		t[n] = 0;
		if (ci_create(CI_SYMLINK, t, dst) != 0) return ci_errf2("symlink ", dst, errno);
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		if (ci_create(CI_DIR, NULL, dst) != 0) return ci_errf2("mkdir ", dst, errno);
	} else if (ci_create(CI_FILE, NULL, dst) != 0) {
		return ci_errf2("create mount point ", dst, errno);
	}
	if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) != 0) return ci_errf2("bind ", src, errno);
	uint64_t set = CI_MOUNT_ATTR_NOSUID;
	if (ro) set |= CI_MOUNT_ATTR_RDONLY;
	if (nodev) set |= CI_MOUNT_ATTR_NODEV;
	// Recursive, so nested host mounts under a bound directory are
	// read-only too.
	if (ci_setattr(dst, CI_AT_RECURSIVE, set) != 0) {
		char s[4200];
		snprintf(s, sizeof s, "make %s read-only", dst);
		return ci_err(s, errno);
	}
	return 0;
}

static int ci_bind_same(const char *path, int ro) {
	char src[4200];
	if (snprintf(src, sizeof src, "%s%s", CI_OLDROOT, path) >= (int)sizeof src) return ci_errf2("stat ", path, ENAMETOOLONG);
	return ci_bind_to(src, path, ro, 1);
}

static int ci_tmpfs(const char *dst, unsigned long flags, const char *data, const char *step) {
	if (mount("tmpfs", dst, "tmpfs", flags, data) != 0) return ci_err(step, errno);
	return 0;
}

static const char *ci_root_skip[] = { "proc", "sys", "dev", "tmp", "run", "home", "root", "mnt", "media",
	"lost+found", "boot", "old_root", ".oldroot", ".", "..", NULL };

static int ci_skip(const char *name) {
	for (int i = 0; ci_root_skip[i]; i++)
		if (!strcmp(name, ci_root_skip[i])) return 1;
	return 0;
}

static int ci_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int ci_under(const char *p, const char *dir) {
	size_t l = strlen(dir);
	return !strcmp(p, dir) || (!strncmp(p, dir, l) && p[l] == '/');
}

static int ci_mount_dev(void) {
	static const char *nodes[] = { "null", "zero", "full", "random", "urandom", "tty", NULL };
	if (ci_mkdirall("/dev", 0755) != 0) return ci_err("mkdir /dev", errno);
	if (ci_tmpfs("/dev", MS_NOSUID, "mode=0755,size=64k", "mount /dev") != 0) return -1;
	for (int i = 0; nodes[i]; i++) {
		char src[64], dst[64];
		struct stat st;
		snprintf(src, sizeof src, CI_OLDROOT "/dev/%s", nodes[i]);
		snprintf(dst, sizeof dst, "/dev/%s", nodes[i]);
		if (stat(src, &st) != 0) continue;
		if (ci_bind_to(src, dst, 0, 0) != 0) {
			// No controlling terminal (a CI job): the sandbox does without.
			if (!strcmp(nodes[i], "tty")) continue;
			return -1;
		}
	}
	static const char *links[][2] = { { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" } };
	for (int i = 0; i < 4; i++) {
		char dst[64];
		snprintf(dst, sizeof dst, "/dev/%s", links[i][0]);
		if (symlink(links[i][1], dst) != 0) return ci_errf2("symlink ", dst, errno);
	}
	if (mkdir("/dev/shm", 01777) != 0) return ci_err("mkdir /dev/shm", errno);
	return ci_tmpfs("/dev/shm", MS_NOSUID | MS_NODEV, "mode=1777,size=64m", "mount /dev/shm");
}

static int ci_mask(const char *p) {
	struct stat st;
	if (lstat(p, &st) != 0 || S_ISLNK(st.st_mode)) return 0;
	if (S_ISDIR(st.st_mode)) {
		char s[4200];
		snprintf(s, sizeof s, "mask %s", p);
		return ci_tmpfs(p, MS_RDONLY | MS_NOSUID | MS_NODEV, "mode=0555,size=4k", s);
	}
	return ci_bind_to("/dev/null", p, 1, 1);
}

static int ci_build_root(void) {
	if (mount("", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return ci_err("make / private", errno);
	if (ci_tmpfs("/tmp", MS_NOSUID | MS_NODEV, "mode=0755,size=1m", "mount root tmpfs") != 0) return -1;
	if (mkdir("/tmp" CI_OLDROOT, 0700) != 0) return ci_err("mkdir old root", errno);
	if (syscall(SYS_pivot_root, "/tmp", "/tmp" CI_OLDROOT) != 0) return ci_err("pivot_root", errno);
	if (chdir("/") != 0) return ci_err("chdir /", errno);
	DIR *d = opendir(CI_OLDROOT);
	if (d == NULL) return ci_err("read /", errno);
	char *names[1024];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (ci_skip(e->d_name)) continue;
		if (n == 1024) { closedir(d); return ci_err("read /", E2BIG); }
		names[n] = malloc(strlen(e->d_name) + 2);
		if (names[n] == NULL) { closedir(d); return ci_err("read /", ENOMEM); }
		names[n][0] = '/';
		strcpy(names[n] + 1, e->d_name);
		n++;
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], ci_cmp);
	for (int i = 0; i < n; i++)
		if (ci_bind_same(names[i], 1) != 0) return -1;
	static const char *dirs[] = { "/home", "/root", "/run", "/tmp" };
	for (int i = 0; i < 4; i++) {
		if (ci_mkdirall(dirs[i], 0755) != 0) return ci_errf2("mkdir ", dirs[i], errno);
	}
	char data[64];
	snprintf(data, sizeof data, "mode=1777,size=%lld", ci.tmpsize);
	if (ci_tmpfs("/tmp", MS_NOSUID | MS_NODEV, data, "mount /tmp") != 0) return -1;
	for (int i = 0; i < 3; i++) {
		char s[32];
		snprintf(s, sizeof s, "mount %s", dirs[i]);
		if (ci_tmpfs(dirs[i], MS_NOSUID | MS_NODEV, "mode=0755,size=16m", s) != 0) return -1;
	}
	const char *h = ci.home;
	if (h != NULL && h[0] && strcmp(h, "/") && !ci_under(h, "/home") && !ci_under(h, "/root")) {
		if (ci_mkdirall(h, 0755) != 0) return ci_err("mkdir home", errno);
		// A home elsewhere (HOME=/work/me) is hidden the same way.
		if (ci_tmpfs(h, MS_NOSUID | MS_NODEV, "mode=0755,size=64m", "hide home") != 0) return -1;
	}
	for (int i = 0; i < ci.nrobind; i++)
		if (ci_bind_same(ci.robind[i], 1) != 0) return -1;
	if (ci_mount_dev() != 0) return -1;
	if (ci_mkdirall("/proc", 0555) != 0) return ci_err("mkdir /proc", errno);
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) return ci_err("mount /proc", errno);
	// Kernel settings stay read-only: when airlock runs as root the
	// sandbox's uid 0 is the host's, and sysctl files only check the uid.
	static const char *procro[] = { "/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs", NULL };
	for (int i = 0; procro[i]; i++) {
		struct stat st;
		if (lstat(procro[i], &st) == 0 && ci_bind_to(procro[i], procro[i], 1, 1) != 0) return -1;
	}
	if (ci_mkdirall("/sys", 0555) != 0) return ci_err("mkdir /sys", errno);
	if (ci.sys && ci_bind_same("/sys", 1) != 0) return -1;
	if (ci_bind_same(ci.workdir, 0) != 0) return -1;
	for (int i = 0; i < ci.nprotect; i++)
		if (ci_bind_same(ci.protect[i], 1) != 0) return -1;
	for (int i = 0; i < ci.nmask; i++)
		if (ci_mask(ci.mask[i]) != 0) return -1;
	if (umount2(CI_OLDROOT, MNT_DETACH) != 0) return ci_err("detach old root", errno);
	if (rmdir(CI_OLDROOT) != 0) return ci_err("remove old root", errno);
	// The root tmpfs only holds mount points; nothing may be added to it.
	if (ci_setattr("/", 0, CI_MOUNT_ATTR_RDONLY) != 0) return ci_err("make / read-only", errno);
	if (chdir(ci.workdir) != 0) return ci_errf2("chdir ", ci.workdir, errno);
	return 0;
}

static int ci_loopback(void) {
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) return -1;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	int r = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (r == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

// ci_lookpath is exec.LookPath with the command's PATH.
static char ci_path[4096];

static int ci_executable(const char *p) {
	struct stat st;
	if (stat(p, &st) != 0) return -1;
	if (S_ISDIR(st.st_mode)) return errno = EISDIR, -1;
	if (faccessat(AT_FDCWD, p, X_OK, AT_EACCESS) == 0) return 0;
	if (errno == ENOSYS || errno == EPERM) {
		if (st.st_mode & 0111) return 0;
	}
	return errno = EACCES, -1;
}

static int ci_lookpath(const char *name) {
	if (strchr(name, '/') != NULL) {
		if (ci_executable(name) != 0) {
			snprintf(ci_msg, sizeof ci_msg,
				"command \"%s\" not found inside the sandbox (is it under a hidden directory such as the home? try --profile test): exec: \"%s\": stat %s: %s",
				name, name, name, ci_errstr(errno));
			return -1;
		}
		snprintf(ci_path, sizeof ci_path, "%s", name);
		return 0;
	}
	const char *path = "";
	for (int i = 0; i < ci.nenv; i++)
		if (!strncmp(ci.env[i], "PATH=", 5)) path = ci.env[i] + 5;
	const char *p = path;
	for (;;) {
		const char *c = strchr(p, ':');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		// Relative entries are refused as exec.LookPath refuses them
		// (ErrDot).
		if (l > 0 && p[0] == '/') {
			if (snprintf(ci_path, sizeof ci_path, "%.*s/%s", (int)l, p, name) < (int)sizeof ci_path &&
				ci_executable(ci_path) == 0) return 0;
		}
		if (c == NULL) break;
		p = c + 1;
	}
	snprintf(ci_msg, sizeof ci_msg,
		"command \"%s\" not found inside the sandbox (is it under a hidden directory such as the home? try --profile test): exec: \"%s\": executable file not found in $PATH",
		name, name);
	return -1;
}

// ---- the restricted thread (startRestricted, restrictAndStart) ----

struct ci_ll_ruleset_attr { uint64_t fs, net, scoped; };
struct ci_ll_path_attr { uint64_t allowed; int32_t parent_fd; } __attribute__((packed));
struct ci_ll_port_attr { uint64_t allowed, port; };

static int ci_landlock(void) {
	struct ci_ll_ruleset_attr attr = { ci.ll_fs, ci.ll_net, ci.ll_scoped };
	int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, (size_t)ci.ll_size, 0);
	if (rs < 0) {
		snprintf(ci_msg, sizeof ci_msg, "landlock: create ruleset: %s", ci_errstr(errno));
		return -1;
	}
	for (int i = 0; i < ci.nll; i++) {
		int fd = open(ci.ll_path[i], O_PATH | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT) continue;
			snprintf(ci_msg, sizeof ci_msg, "landlock: open %s: %s", ci.ll_path[i], ci_errstr(errno));
			close(rs);
			return -1;
		}
		uint64_t access = ci.ll_access[i];
		struct stat st;
		// Directory-only rights are invalid on files.
		if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode)) access &= ci.ll_filemask;
		struct ci_ll_path_attr pa = { access, fd };
		long r = syscall(SYS_landlock_add_rule, rs, 1, &pa, 0);
		int e = errno;
		close(fd);
		if (r != 0) {
			snprintf(ci_msg, sizeof ci_msg, "landlock: allow %s: %s", ci.ll_path[i], ci_errstr(e));
			close(rs);
			return -1;
		}
	}
	for (int i = 0; i < ci.nport; i++) {
		struct ci_ll_port_attr na = { ci.ll_port_access[i], ci.ll_port[i] };
		if (syscall(SYS_landlock_add_rule, rs, 2, &na, 0) != 0) {
			snprintf(ci_msg, sizeof ci_msg, "landlock: allow tcp port %llu: %s", (unsigned long long)ci.ll_port[i], ci_errstr(errno));
			close(rs);
			return -1;
		}
	}
	if (syscall(SYS_landlock_restrict_self, rs, 0) != 0) {
		snprintf(ci_msg, sizeof ci_msg, "landlock: restrict: %s", ci_errstr(errno));
		close(rs);
		return -1;
	}
	close(rs);
	return 0;
}

static int ci_drop_caps(void) {
	int last = 40;
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		char b[16];
		ssize_t n = read(fd, b, sizeof b - 1);
		if (n > 0) { b[n] = 0; last = atoi(b); }
		close(fd);
	}
	for (int c = 0; c <= last; c++) {
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EINVAL) {
			snprintf(ci_msg, sizeof ci_msg, "drop bounding capability %d: %s", c, ci_errstr(errno));
			return -1;
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) {
		snprintf(ci_msg, sizeof ci_msg, "clear ambient capabilities: %s", ci_errstr(errno));
		return -1;
	}
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof data);
	if (syscall(SYS_capset, &hdr, data) != 0) {
		snprintf(ci_msg, sizeof ci_msg, "capset: %s", ci_errstr(errno));
		return -1;
	}
	return 0;
}

// Messages from the restricted thread to the main one.
struct ci_msg { int kind, val; };
enum { CI_LISTENER = 1, CI_FAILED = 2 };

static int ci_ready[2];
static int ci_ll_applied;
static pid_t ci_child;
static char ci_tstep[256];

static void ci_tfail(const char *step) {
	snprintf(ci_tstep, sizeof ci_tstep, "%s", step);
	struct ci_msg m = { CI_FAILED, 0 };
	if (write(ci_ready[1], &m, sizeof m) < 0) {}
}

// ci_restricted carries every restriction on this thread only, then
// starts the command, which inherits them through fork. The main thread
// stays unrestricted: it must pass the listener on (this thread's own
// sendmsg would be held for a supervisor that has no listener yet).
static void *ci_restricted(void *arg) {
	(void)arg;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(ci_msg, sizeof ci_msg, "%s", ci_errstr(errno));
		ci_tfail("no_new_privs");
		return NULL;
	}
	if (ci.use_ll && ci.ll_abi > 0) {
		if (ci_landlock() != 0) { ci_tfail("landlock"); return NULL; }
		ci_ll_applied = 1;
	}
	if (ci_drop_caps() != 0) { ci_tfail("drop capabilities"); return NULL; }
	struct sock_fprog prog = { (unsigned short)ci.nfilter, ci.filter };
	int lfd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (lfd < 0) {
		snprintf(ci_msg, sizeof ci_msg, "seccomp: install filter with user notification: %s", ci_errstr(errno));
		ci_tfail("seccomp");
		return NULL;
	}
	struct ci_msg m = { CI_LISTENER, lfd };
	if (write(ci_ready[1], &m, sizeof m) != sizeof m) return NULL;
	int ep[2];
	if (pipe2(ep, O_CLOEXEC) != 0) {
		snprintf(ci_msg, sizeof ci_msg, "%s", ci_errstr(errno));
		snprintf(ci_tstep, sizeof ci_tstep, "start %s", ci_path);
		return NULL;
	}
	pid_t pid = fork();
	if (pid == 0) {
		// A new session has no controlling terminal, which closes
		// TIOCSTI injection into the caller's shell a second way.
		int e = 0;
		// The init is not dumpable, and this copy of it was made by a
		// process exec'd before the user namespace existed, so only host
		// root could read it; the supervisor, which reads the execve's
		// path and argv from it, needs the access it has to the
		// command's own processes after the exec.
		if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) != 0) e = errno;
		else if (setsid() < 0) e = errno;
		else if (chdir(ci.workdir) != 0) e = errno;
		else {
			sigset_t all;
			sigemptyset(&all);
			sigprocmask(SIG_SETMASK, &all, NULL);
			execve(ci_path, (char *const *)ci.argv, ci.env);
			e = errno;
		}
		if (write(ep[1], &e, sizeof e) < 0) {}
		_exit(127);
	}
	int fe = errno;
	close(ep[1]);
	if (pid < 0) {
		close(ep[0]);
		snprintf(ci_msg, sizeof ci_msg, "%s", ci_errstr(fe));
		snprintf(ci_tstep, sizeof ci_tstep, "start %s", ci_path);
		return NULL;
	}
	int e = 0;
	ssize_t n;
	do n = read(ep[0], &e, sizeof e); while (n < 0 && errno == EINTR);
	close(ep[0]);
	if (n == sizeof e) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
		snprintf(ci_msg, sizeof ci_msg, "fork/exec %s: %s", ci_path, ci_errstr(e));
		snprintf(ci_tstep, sizeof ci_tstep, "start %s", ci_path);
		return NULL;
	}
	ci_child = pid;
	return NULL;
}

static int ci_send_fd(int sock, int fd) {
	char byte = 'L';
	struct iovec iov = { &byte, 1 };
	char cbuf[CMSG_SPACE(sizeof(int))];
	memset(cbuf, 0, sizeof cbuf);
	struct msghdr mh;
	memset(&mh, 0, sizeof mh);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof cbuf;
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	ssize_t r;
	do r = sendmsg(sock, &mh, 0); while (r < 0 && errno == EINTR);
	return r < 0 ? -1 : 0;
}

// ci_reap is reap in child_linux.go.
static int ci_reap(pid_t pid, int *status) {
	*status = 0;
	for (;;) {
		int ws;
		pid_t p = wait4(-1, &ws, 0, NULL);
		if (p < 0 && errno == EINTR) continue;
		if (p < 0) return 0;
		if (p == pid) { *status = ws; break; }
	}
	int left = 0;
	if (kill(-1, SIGKILL) == 0) {
		for (;;) {
			int ws;
			pid_t p = wait4(-1, &ws, 0, NULL);
			if (p < 0 && errno == EINTR) continue;
			if (p < 0) break;
			left++;
		}
	}
	return left;
}

static int ci_write_file(const char *path, const char *data) {
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) return -1;
	ssize_t n = write(fd, data, strlen(data));
	int e = errno;
	close(fd);
	errno = e;
	return n == (ssize_t)strlen(data) ? 0 : -1;
}

static int ci_unavailable(const char *what, int e) {
	snprintf(ci_msg, sizeof ci_msg,
		"cannot create user, mount, pid and network namespaces (%s: %s); unprivileged user namespaces may be disabled or restricted by a security module",
		what, ci_errstr(e));
	return ci_fail(NULL, ci_msg, CI_UNAVAILABLE);
}

// ci_namespaces creates the sandbox's namespaces. The supervisor starts
// this process without any (a plain vfork and exec, which costs the Go
// supervisor no copy of its address space), so the user namespace comes
// first and this process maps its own uid and gid as `unshare
// --map-root-user` does; a single-threaded C process may, a Go one may
// not. The new pid namespace only takes effect for children: the process
// forks its pid 1 and stays outside as a launcher that waits for it, so
// the supervisor's wait, kill and resource usage still concern one
// process of its own. It returns 0 in pid 1 and never in the launcher.
static int ci_namespaces(void) {
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (unshare(CLONE_NEWUSER) != 0) return ci_unavailable("user namespace", errno);
	char m[64];
	snprintf(m, sizeof m, "0 %u 1\n", (unsigned)uid);
	if (ci_write_file("/proc/self/uid_map", m) != 0) return ci_unavailable("uid map", errno);
	if (ci_write_file("/proc/self/setgroups", "deny") != 0 && errno != ENOENT) return ci_unavailable("setgroups", errno);
	snprintf(m, sizeof m, "0 %u 1\n", (unsigned)gid);
	if (ci_write_file("/proc/self/gid_map", m) != 0) return ci_unavailable("gid map", errno);
	// The cgroup namespace comes later, in pid 1, once it is in the run's
	// cgroup (ci_main).
	if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) != 0)
		return ci_unavailable("mount, pid, network, ipc and uts namespaces", errno);
	int alive[2];
	if (pipe2(alive, O_CLOEXEC) != 0) return ci_fail("start init", ci_errstr(errno), 0);
	pid_t pid = fork();
	if (pid < 0) return ci_fail("start init", ci_errstr(errno), 0);
	if (pid == 0) {
		close(alive[1]);
		// The launcher ends with the supervisor (its own parent-death
		// signal) and this process with the launcher, taking the pid
		// namespace along.
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) _exit(125);
		struct pollfd pf = { alive[0], POLLIN, 0 };
		if (poll(&pf, 1, 0) != 0) _exit(125);
		close(alive[0]);
		return 0;
	}
	close(alive[0]);
	// Only pid 1 may hold the supervisor's pipes, so that their ends
	// close when the sandbox does.
	for (int fd = 0; fd <= 5; fd++) close(fd);
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {}
	_exit(WIFEXITED(ws) ? WEXITSTATUS(ws) : 125);
}

// Started ahead (airlock_prestart): this process was forked from the
// front end's constructor, before the front end knew the command's
// streams; they come over the socket with the plan.
static int ci_prestarted;

static int ci_recv_stdio(void) {
	char byte;
	struct iovec iov = { &byte, 1 };
	char cbuf[CMSG_SPACE(3 * sizeof(int))];
	struct msghdr mh;
	memset(&mh, 0, sizeof mh);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof cbuf;
	ssize_t n;
	do n = recvmsg(4, &mh, MSG_CMSG_CLOEXEC); while (n < 0 && errno == EINTR);
	if (n <= 0) { if (n == 0) errno = EPIPE; return -1; }
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	if (c == NULL || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(3 * sizeof(int))) return errno = EBADMSG, -1;
	int fds[3];
	memcpy(fds, CMSG_DATA(c), sizeof fds);
	for (int i = 0; i < 3; i++) {
		if (dup2(fds[i], i) < 0) return -1;
	}
	for (int i = 0; i < 3; i++)
		if (fds[i] > 2) close(fds[i]);
	return 0;
}

static int ci_main(void) {
	// None of the supervisor's descriptors may reach the command, nor any
	// other descriptor the supervisor inherited without close-on-exec.
	for (int fd = 3; fd <= 5; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
	syscall(SYS_close_range, 6, ~0U, 0);
	// Started ahead, this process has the dispositions the front end
	// inherited, which may ignore SIGCHLD (children then reap themselves
	// and their exit status is lost) or others the command should not
	// inherit. Reset them as the Go runtime does for what it starts: all
	// to default but an ignored SIGHUP or SIGINT (nohup, background jobs).
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP || sig == SIGHUP || sig == SIGINT) continue;
		signal(sig, SIG_DFL);
	}
	if (ci_namespaces() != 0) return 125;
	unsigned char hdr[4];
	size_t got = 0;
	while (got < 4) {
		ssize_t n = read(3, hdr + got, 4 - got);
		if (n < 0 && errno == EINTR) continue;
		if (n <= 0) return ci_fail(NULL, "read config: short plan header", 0);
		got += (size_t)n;
	}
	size_t len = (size_t)hdr[0] | (size_t)hdr[1] << 8 | (size_t)hdr[2] << 16 | (size_t)hdr[3] << 24;
	if (len == 0) return ci_fail(NULL, "read config: no plan for the C init", 0);
	if (len > 64u << 20) return ci_fail(NULL, "read config: plan too large", 0);
	char *plan = malloc(len + 1);
	if (plan == NULL) return ci_fail(NULL, "read config: out of memory", 0);
	got = 0;
	while (got < len) {
		ssize_t n = read(3, plan + got, len - got);
		if (n < 0 && errno == EINTR) continue;
		if (n <= 0) return ci_fail(NULL, "read config: short plan", 0);
		got += (size_t)n;
	}
	plan[len] = 0;
	// The Go init's configuration follows; drained so that the supervisor's
	// write never fails on a closed pipe.
	for (;;) {
		char sink[4096];
		ssize_t n = read(3, sink, sizeof sink);
		if (n < 0 && errno == EINTR) continue;
		if (n <= 0) break;
	}
	if (ci_parse(plan, len) != 0) return ci_fail(NULL, "read config: malformed plan", 0);
	if (ci_prestarted && ci_recv_stdio() != 0) return ci_fail("receive the command's standard streams", ci_errstr(errno), 0);
	// Started before the run's cgroup existed: move in now, before
	// anything else is started, so the command is born inside it.
	for (int i = 0; i < ci.ncgjoin; i++) {
		if (ci_write_file(ci.cgjoin[i], "0") != 0) {
			char s[4200];
			snprintf(s, sizeof s, "join cgroup %s", ci.cgjoin[i]);
			return ci_fail(s, ci_errstr(errno), 0);
		}
	}
	// Opened now, while the host's cgroup files are in reach; written as
	// this process ends (after the root is replaced).
	int leave[8], nleave = 0;
	for (int i = 0; i < ci.ncgleave && nleave < 8; i++) {
		int fd = open(ci.cgleave[i], O_WRONLY | O_CLOEXEC);
		if (fd >= 0) leave[nleave++] = fd;
	}
	if (unshare(CLONE_NEWCGROUP) != 0) return ci_unavailable("cgroup namespace", errno);
	// Nothing inside may read this process's memory or attach to it.
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return ci_fail("prctl dumpable", ci_errstr(errno), 0);
	// Signals: as pid 1 of its pid namespace with default dispositions,
	// this process gets no signal sent from inside the sandbox (the
	// kernel drops those an init does not handle), so `kill 1` cannot end
	// the run; the Go init has to install handlers that drop them.
	if (ci_build_root() != 0) return ci_fail(ci_step, ci_msg, 0);
	if (sethostname(ci.hostname, strlen(ci.hostname)) != 0) return ci_fail("sethostname", ci_errstr(errno), 0);
	if (ci_loopback() != 0) return ci_fail("bring up loopback", ci_errstr(errno), 0);
	if (ci_lookpath(ci.argv[0]) != 0) return ci_fail(NULL, ci_msg, CI_NOT_FOUND);
	close(3);
	if (pipe2(ci_ready, O_CLOEXEC) != 0) return ci_fail("start restricted thread", ci_errstr(errno), 0);
	pthread_t t;
	int pe = pthread_create(&t, NULL, ci_restricted, NULL);
	if (pe != 0) return ci_fail("start restricted thread", ci_errstr(pe), 0);
	struct ci_msg m;
	ssize_t n;
	do n = read(ci_ready[0], &m, sizeof m); while (n < 0 && errno == EINTR);
	if (n == sizeof m && m.kind == CI_LISTENER) {
		if (ci_send_fd(4, m.val) != 0) {
			int e = errno;
			close(m.val);
			// The thread's command waits on a supervisor that will never
			// get the listener: end it with the run.
			pthread_join(t, NULL);
			if (ci_child > 0) kill(ci_child, SIGKILL);
			return ci_fail("send seccomp listener", ci_errstr(e), 0);
		}
		close(m.val);
	}
	pthread_join(t, NULL);
	close(4);
	if (ci_child <= 0) return ci_fail(ci_tstep, ci_msg, 0);
	char buf[256];
	int l = snprintf(buf, sizeof buf, "{\"stage\":\"started\",\"pid\":%d,\"landlock\":%s,\"landlock_abi\":%d,\"code\":0}\n",
		(int)ci_child, ci_ll_applied ? "true" : "false", ci.ll_abi);
	ci_write_status(buf, (size_t)l);
	int ws;
	int left = ci_reap(ci_child, &ws);
	// Everything in the sandbox is gone: leave the run's cgroup so the
	// supervisor can remove it while this process's namespaces are torn
	// down.
	int left_cg = ci.ncgleave > 0 && nleave == ci.ncgleave;
	for (int i = 0; i < nleave; i++) {
		if (write(leave[i], "0", 1) != 1) left_cg = 0;
		close(leave[i]);
	}
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	getrusage(RUSAGE_CHILDREN, &ru);
	int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1, sig = 0;
	if (WIFSIGNALED(ws)) { code = -1; sig = WTERMSIG(ws); }
	l = snprintf(buf, sizeof buf,
		"{\"stage\":\"exit\",\"code\":%d,\"signal\":%d,\"user_us\":%lld,\"sys_us\":%lld,\"max_rss_kb\":%ld,\"leftover\":%d,\"left_cgroup\":%s}\n",
		code, sig, (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
		(long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec, ru.ru_maxrss, left, left_cg ? "true" : "false");
	ci_write_status(buf, (size_t)l);
	return 0;
}

// airlock_pre is the init airlock_prestart started, for the front end
// (prestartedInit) to adopt.
struct airlock_pre { int pid, cfg, sock, status; };
struct airlock_pre airlock_pre = { 0, -1, -1, -1 };

// ci_prestart_wanted reports whether `run` arguments will take the C init
// path (no proxy, not unsafe, not help) on a host without a cgroup2 root
// (where the init must be cloned into its cgroup instead). A wrong guess
// costs only the start-up work: the front end ends an init it cannot use.
static int ci_prestart_wanted(int argc, char **argv) {
	if (argc < 3 || argv == NULL || argv[1] == NULL || strcmp(argv[1], "run") != 0) return 0;
	for (int i = 2; i < argc && argv[i] != NULL; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) break;
		if (!strncmp(a, "--allow-net", 11) || !strncmp(a, "--unsafe-no-sandbox", 19) || !strcmp(a, "-h") ||
			!strcmp(a, "--help") || !strcmp(a, "--profile=build") ||
			(!strcmp(a, "--profile") && i + 1 < argc && argv[i + 1] != NULL && !strcmp(argv[i + 1], "build")))
			return 0;
	}
	struct statfs sf;
	if (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == 0x63677270) return 0;
	return 1;
}

// airlock_prestart starts the sandbox init from a front end's constructor,
// before the front end's Go runtime starts, so that the init's namespaces
// are made while the front end starts up. The init waits for its plan;
// the front end adopts it in Run (prestartedInit) or, when the run does
// not need it, ends it (it also dies with the front end: parent-death
// signal). It returns 0 when an init was started.
int airlock_prestart_called;

int airlock_prestart(int argc, char **argv) {
	// The main package asked for early starts: only such a program takes
	// an init handed over in AIRLOCK_PRESTART (prestartOptedIn).
	airlock_prestart_called = 1;
	if (getenv("AIRLOCK_SANDBOX_STAGE") != NULL || getenv("AIRLOCK_PRESTART") != NULL || !ci_prestart_wanted(argc, argv)) return -1;
	int cfg[2], st[2], sk[2];
	if (pipe2(cfg, O_CLOEXEC) != 0) return -1;
	if (pipe2(st, O_CLOEXEC) != 0) { close(cfg[0]); close(cfg[1]); return -1; }
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sk) != 0) {
		close(cfg[0]); close(cfg[1]); close(st[0]); close(st[1]);
		return -1;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != parent) _exit(125);
		int a = fcntl(cfg[0], F_DUPFD_CLOEXEC, 10), b = fcntl(sk[1], F_DUPFD_CLOEXEC, 10), c = fcntl(st[1], F_DUPFD_CLOEXEC, 10);
		if (a < 0 || b < 0 || c < 0 || dup2(a, 3) < 0 || dup2(b, 4) < 0 || dup2(c, 5) < 0) _exit(125);
		ci_status_fd = 5;
		ci_prestarted = 1;
		_exit(ci_main());
	}
	close(cfg[0]); close(st[1]); close(sk[1]);
	if (pid < 0) {
		close(cfg[1]); close(st[0]); close(sk[0]);
		return -1;
	}
	airlock_pre.pid = pid;
	airlock_pre.cfg = cfg[1];
	airlock_pre.sock = sk[0];
	airlock_pre.status = st[0];
	return 0;
}

__attribute__((constructor)) static void airlock_cinit(void) {
	const char *s = getenv("AIRLOCK_SANDBOX_STAGE");
	if (s == NULL || strcmp(s, "cinit") != 0) return;
	_exit(ci_main());
}
*/
import "C"

// cInit reports whether this binary carries the C init.
const cInit = true

// prestartOptedIn reports whether this program's main package calls
// airlock_prestart, the only programs that accept an init handed over in
// prestartEnv.
func prestartOptedIn() bool { return C.airlock_prestart_called != 0 }

// constructorPrestart returns the init this process's constructor
// started (airlock_prestart), once.
func constructorPrestart() (prestart, bool) {
	p := C.airlock_pre
	if p.pid <= 0 {
		return prestart{}, false
	}
	C.airlock_pre.pid = 0
	return prestart{pid: int(p.pid), cfg: int(p.cfg), sock: int(p.sock), status: int(p.status)}, true
}
