package sandbox

import (
	"encoding/binary"
	"encoding/hex"
	"io"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Init stages (the value of stageEnv). A run that needs the proxy
// forwarder, which uses Go's net package, gets the Go init (stageGo);
// every other run asks for the C init (stageC), which a binary built with
// cgo runs before its Go runtime starts (cinit_linux.go) and a binary
// without cgo serves with InitMain like stageGo.
const (
	stageGo = "init"
	stageC  = "cinit"
)

// Limits of the C init's fixed tables; a larger plan is handed to the Go
// init instead (an empty plan).
const (
	cinitMaxList = 512
	cinitMaxEnv  = 512 * 8
)

// writeInitConfig sends the init its configuration on fd 3. For stageC it
// is a little-endian uint32 length, the C init's plan (cinitPlan; length
// 0 when there is none) and then the JSON configuration, which the C init
// drains and the Go init decodes; for stageGo the JSON alone.
func writeInitConfig(w io.Writer, stage string, cc *childConfig, abi int, js []byte) error {
	var buf []byte
	if stage == stageC {
		plan, ok := cinitPlan(cc, abi)
		if !ok {
			plan = nil
		}
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(plan)))
		buf = append(buf, plan...)
	}
	buf = append(buf, js...)
	_, err := w.Write(buf)
	return err
}

// skipCPlan reads past the C init's plan when this binary has no C init
// and was started as stageC.
func skipCPlan(r io.Reader) error {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return err
	}
	_, err := io.CopyN(io.Discard, r, int64(binary.LittleEndian.Uint32(hdr[:])))
	return err
}

// cinitPlan encodes what the C init needs: "key=value" records, each
// ended by a NUL byte; paths, argv and environment cannot contain NUL, so
// no escaping is needed. It returns false when the configuration goes
// beyond the C init's tables, or asks for the proxy forwarder.
func cinitPlan(cc *childConfig, abi int) ([]byte, bool) {
	l := &cc.Layout
	if cc.ProxyPort != 0 || l.ProxySocket != "" || len(cc.Argv) == 0 ||
		len(cc.Argv) > cinitMaxList || len(cc.Env) > cinitMaxEnv ||
		len(l.ROBinds) > cinitMaxList || len(l.Protect) > cinitMaxList || len(l.Masks) > cinitMaxList {
		return nil, false
	}
	prog, _, err := sandboxFilter()
	if err != nil || len(prog) == 0 {
		return nil, false
	}
	var b strings.Builder
	ok := true
	rec := func(k, v string) {
		if strings.IndexByte(v, 0) >= 0 {
			ok = false
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
		b.WriteByte(0)
	}
	rec("workdir", l.Workdir)
	rec("home", l.Home)
	rec("hostname", cc.Hostname)
	rec("tmpsize", strconv.FormatInt(l.TmpSize, 10))
	if l.Sys {
		rec("sys", "1")
	}
	for _, p := range l.ROBinds {
		rec("robind", p)
	}
	for _, p := range l.Protect {
		rec("protect", p)
	}
	for _, p := range l.Masks {
		rec("mask", p)
	}
	for _, a := range cc.Argv {
		rec("argv", a)
	}
	for _, e := range cc.Env {
		rec("env", e)
	}
	rec("ll_abi", strconv.Itoa(abi))
	if cc.UseLL && abi > 0 {
		p := landlockPlan(abi, cc.Landlock)
		if len(p.paths) > cinitMaxList || len(p.ports) > cinitMaxList {
			return nil, false
		}
		rec("landlock", "1")
		rec("ll_fs", strconv.FormatUint(p.attr.Handled_access_fs, 10))
		rec("ll_net", strconv.FormatUint(p.attr.Handled_access_net, 10))
		rec("ll_scoped", strconv.FormatUint(p.attr.Scoped, 10))
		rec("ll_size", strconv.FormatUint(uint64(p.size), 10))
		rec("ll_filemask", strconv.FormatUint(llFileMask, 10))
		for _, r := range p.paths {
			rec("ll_path", strconv.FormatUint(r.access, 10)+":"+r.path)
		}
		for _, port := range p.ports {
			rec("ll_port", strconv.FormatUint(unix.LANDLOCK_ACCESS_NET_CONNECT_TCP, 10)+":"+strconv.FormatUint(port, 10))
		}
	}
	// struct sock_filter as the kernel lays it out in memory.
	raw := unsafe.Slice((*byte)(unsafe.Pointer(&prog[0])), len(prog)*int(unsafe.Sizeof(prog[0])))
	rec("filter", hex.EncodeToString(raw))
	return []byte(b.String()), ok
}
