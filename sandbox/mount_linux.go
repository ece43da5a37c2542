package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// rootSkip are top-level host directories never bound into the sandbox:
// kernel interfaces get fresh or minimal copies, and homes, runtime state
// and removable media stay out of sight.
var rootSkip = map[string]bool{
	"proc": true, "sys": true, "dev": true, "tmp": true, "run": true, "home": true, "root": true,
	"mnt": true, "media": true, "lost+found": true, "boot": true, "old_root": true,
}

// procReadOnly are the /proc entries that reach the kernel's global state.
var procReadOnly = []string{"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs"}

// devNodes are the only host devices visible inside.
var devNodes = []string{"null", "zero", "full", "random", "urandom", "tty"}

// layout is the mount plan the supervisor computes and the init carries
// out. Paths are host paths; inside the sandbox they appear at the same
// place.
type layout struct {
	Workdir string   `json:"workdir"` // writable
	Home    string   `json:"home"`    // replaced by an empty private tmpfs
	ROBinds []string `json:"ro_binds"`
	Protect []string `json:"protect"` // read-only inside the work directory
	Masks   []string `json:"masks"`   // hidden (files emptied, directories emptied)
	TmpSize int64    `json:"tmp_size"`
	Sys     bool     `json:"sys"`
	// ProxySocket is the host path of the proxy's Unix socket, bound at
	// proxySocketInside.
	ProxySocket string `json:"proxy_socket,omitempty"`
}

const proxySocketInside = "/run/airlock/proxy.sock"

type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

func step(s string, err error) error {
	if err == nil {
		return nil
	}
	return &stepError{s, err}
}

// oldRoot is where the host's root stays visible while the new root is
// built, so that host paths under /tmp are reachable although the new
// root is mounted on /tmp.
const oldRoot = "/.oldroot"

// buildRoot runs in the init, inside the new user and mount namespaces.
// Like bwrap, it mounts the new root's tmpfs on /tmp (private to this
// namespace), pivots into it at once and binds host paths from the old
// root, so no staging directory has to be created on the host's disk.
func buildRoot(l *layout) error {
	// Private propagation first, so nothing below leaks to the host's
	// mount table.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return step("make / private", err)
	}
	if err := unix.Mount("tmpfs", "/tmp", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755,size=1m"); err != nil {
		return step("mount root tmpfs", err)
	}
	if err := os.Mkdir("/tmp"+oldRoot, 0o700); err != nil {
		return step("mkdir old root", err)
	}
	if err := unix.PivotRoot("/tmp", "/tmp"+oldRoot); err != nil {
		return step("pivot_root", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return step("chdir /", err)
	}
	ents, err := os.ReadDir(oldRoot)
	if err != nil {
		return step("read /", err)
	}
	for _, e := range ents {
		name := e.Name()
		if rootSkip[name] || "/"+name == oldRoot {
			continue
		}
		if err := bindSame("/"+name, true); err != nil {
			return err
		}
	}
	for _, d := range []string{"/home", "/root", "/run", "/tmp"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return step("mkdir "+d, err)
		}
	}
	if err := unix.Mount("tmpfs", "/tmp", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV,
		fmt.Sprintf("mode=1777,size=%d", l.TmpSize)); err != nil {
		return step("mount /tmp", err)
	}
	for _, d := range []string{"/home", "/root", "/run"} {
		if err := unix.Mount("tmpfs", d, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755,size=16m"); err != nil {
			return step("mount "+d, err)
		}
	}
	if l.Home != "" && l.Home != "/" && !under(l.Home, "/home") && !under(l.Home, "/root") {
		if err := os.MkdirAll(l.Home, 0o755); err != nil {
			return step("mkdir home", err)
		}
		// A home elsewhere (HOME=/work/me) is hidden the same way.
		if err := unix.Mount("tmpfs", l.Home, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755,size=64m"); err != nil {
			return step("hide home", err)
		}
	}
	for _, p := range l.ROBinds {
		if err := bindSame(p, true); err != nil {
			return err
		}
	}
	if err := mountDev(); err != nil {
		return err
	}
	if err := os.MkdirAll("/proc", 0o555); err != nil {
		return step("mkdir /proc", err)
	}
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return step("mount /proc", err)
	}
	// Kernel settings stay read-only: when airlock runs as root the
	// sandbox's uid 0 is the host's, and sysctl files only check the uid
	// (a writable /proc/sys/kernel/core_pattern is a classic escape).
	for _, p := range procReadOnly {
		if _, err := os.Lstat(p); err == nil {
			if err := bindTo(p, p, true, true); err != nil {
				return err
			}
		}
	}
	if err := os.MkdirAll("/sys", 0o555); err != nil {
		return step("mkdir /sys", err)
	}
	if l.Sys {
		if err := bindSame("/sys", true); err != nil {
			return err
		}
	}
	if l.ProxySocket != "" {
		if err := os.MkdirAll(filepath.Dir(proxySocketInside), 0o755); err != nil {
			return step("mkdir proxy dir", err)
		}
		if err := bindTo(oldRoot+l.ProxySocket, proxySocketInside, false, true); err != nil {
			return err
		}
	}
	if err := bindSame(l.Workdir, false); err != nil {
		return err
	}
	for _, p := range l.Protect {
		if err := bindSame(p, true); err != nil {
			return err
		}
	}
	for _, m := range l.Masks {
		if err := mask(m); err != nil {
			return err
		}
	}
	return finish(l.Workdir)
}

// bindSame binds host path src (seen under the old root) at the same path
// in the new root, nosuid and nodev.
func bindSame(src string, ro bool) error {
	return bindTo(oldRoot+src, src, ro, true)
}

func bindTo(src, dst string, ro, nodev bool) error {
	fi, err := os.Lstat(src)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return step("stat "+src, err)
	}
	// Mount points are created optimistically: in the fresh root tmpfs
	// the parent almost always exists and the target never does, and
	// stat-ing both first tripled the system calls of every bind.
	withParent := func(create func() error) error {
		err := create()
		if errors.Is(err, os.ErrNotExist) {
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			err = create()
		}
		if errors.Is(err, os.ErrExist) {
			return nil
		}
		return err
	}
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		t, err := os.Readlink(src)
		if err != nil {
			return step("readlink "+src, err)
		}
		return step("symlink "+dst, withParent(func() error { return os.Symlink(t, dst) }))
	case fi.IsDir():
		if err := withParent(func() error { return os.Mkdir(dst, 0o755) }); err != nil {
			return step("mkdir "+dst, err)
		}
	default:
		err := withParent(func() error {
			f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
			if err == nil {
				f.Close()
			}
			return err
		})
		if err != nil {
			return step("create mount point "+dst, err)
		}
	}
	if err := unix.Mount(src, dst, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return step("bind "+src, err)
	}
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_NOSUID}
	if ro {
		attr.Attr_set |= unix.MOUNT_ATTR_RDONLY
	}
	if nodev {
		attr.Attr_set |= unix.MOUNT_ATTR_NODEV
	}
	// Recursive, so nested host mounts under a bound directory are
	// read-only too (a plain MS_REMOUNT only changes the top one).
	if err := unix.MountSetattr(-1, dst, unix.AT_RECURSIVE, &attr); err != nil {
		return step("make "+dst+" read-only", err)
	}
	return nil
}

func mountDev() error {
	d := "/dev"
	if err := os.MkdirAll(d, 0o755); err != nil {
		return step("mkdir /dev", err)
	}
	if err := unix.Mount("tmpfs", d, "tmpfs", unix.MS_NOSUID, "mode=0755,size=64k"); err != nil {
		return step("mount /dev", err)
	}
	for _, n := range devNodes {
		if _, err := os.Stat(oldRoot + "/dev/" + n); err != nil {
			continue
		}
		if err := bindTo(oldRoot+"/dev/"+n, d+"/"+n, false, false); err != nil {
			// No controlling terminal (a CI job): /dev/tty cannot be
			// opened on the host either, so the sandbox does without.
			if n == "tty" {
				continue
			}
			return err
		}
	}
	for name, target := range map[string]string{"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2"} {
		if err := os.Symlink(target, d+"/"+name); err != nil {
			return step("symlink /dev/"+name, err)
		}
	}
	if err := os.Mkdir(d+"/shm", 0o1777); err != nil {
		return step("mkdir /dev/shm", err)
	}
	return step("mount /dev/shm", unix.Mount("tmpfs", d+"/shm", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=1777,size=64m"))
}

// mask hides a file (an empty read-only file over it) or directory (an
// empty read-only tmpfs).
func mask(p string) error {
	fi, err := os.Lstat(p)
	if err != nil || fi.Mode()&os.ModeSymlink != 0 {
		return nil
	}
	if fi.IsDir() {
		return step("mask "+p, unix.Mount("tmpfs", p, "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV, "mode=0555,size=4k"))
	}
	return bindTo("/dev/null", p, true, true)
}

// finish drops the old root and makes the new one read-only.
func finish(workdir string) error {
	if err := unix.Unmount(oldRoot, unix.MNT_DETACH); err != nil {
		return step("detach old root", err)
	}
	if err := os.Remove(oldRoot); err != nil {
		return step("remove old root", err)
	}
	// The root tmpfs only holds mount points; nothing may be added to it.
	if err := unix.MountSetattr(-1, "/", 0, &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}); err != nil {
		return step("make / read-only", err)
	}
	return step("chdir "+workdir, unix.Chdir(workdir))
}

// under reports whether p is dir or inside it.
func under(p, dir string) bool {
	if dir == "/" {
		return true
	}
	return p == dir || strings.HasPrefix(p, dir+"/")
}
