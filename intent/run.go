package intent

import (
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
)

// RunReport is the part of a sandbox behaviour report (docs/sandbox.md,
// `airlock run --format json`) the intent check reads. Decoding is
// lenient: unknown fields are ignored, so the report can grow.
type RunReport struct {
	Version   int      `json:"version"`
	Command   []string `json:"command"`
	Processes []struct {
		Path string   `json:"path"`
		Argv []string `json:"argv"`
		AtMS int64    `json:"at_ms"`
	} `json:"processes"`
	Files []struct {
		Path      string `json:"path"`
		Change    string `json:"change"`
		Protected bool   `json:"protected"`
	} `json:"files"`
	Denied []struct {
		Op     string `json:"op"`
		Path   string `json:"path"`
		Reason string `json:"reason"`
	} `json:"denied"`
	Network []struct {
		Protocol string `json:"protocol"`
		Dest     string `json:"dest"`
		Allowed  bool   `json:"allowed"`
	} `json:"network"`
}

// maxReport bounds how much of a run report is read.
const maxReport = 64 << 20

// ReadRunReport decodes a behaviour report.
func ReadRunReport(r io.Reader) (*RunReport, error) {
	var rep RunReport
	dec := json.NewDecoder(io.LimitReader(r, maxReport))
	if err := dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("read run report: %w (want the JSON of `airlock run --format json`)", err)
	}
	return &rep, nil
}

// Uses turns observed behaviour into capability uses. The first process
// is the command itself, so it is not a use. Of the processes it
// started, network and persistence tools and interpreters given inline
// code count; compilers, test runners and other tools do not, since
// every build starts them.
func (r *RunReport) Uses(file string) []Use {
	var out []Use
	add := func(c Cap, detail, why, evidence string, sensitive bool) {
		out = append(out, Use{Cap: c, File: file, Detail: detail, Why: why, Sensitive: sensitive, Observed: true, Evidence: evidence})
	}
	for i, p := range r.Processes {
		if i == 0 || len(p.Argv) == 0 && p.Path == "" {
			continue
		}
		argv := strings.Join(p.Argv, " ")
		if argv == "" {
			argv = p.Path
		}
		name := path.Base(p.Path)
		if len(p.Argv) > 0 {
			name = path.Base(p.Argv[0])
		}
		if len(argv) > 160 {
			argv = argv[:160] + "…"
		}
		args := []string{}
		if len(p.Argv) > 1 {
			args = p.Argv[1:]
		}
		switch {
		case shellNetwork[name]:
			add(CapNetwork, hostOf(args), "ran "+argv, "exec "+argv, false)
		case name == "crontab" || name == "systemctl" && hasArg(args, "enable") || name == "launchctl":
			add(CapPersistence, argv, "ran "+argv, "exec "+argv, true)
		case shellInterpreters[name] && hasArg(args, "-c", "-e", "-i", "--eval", "--command"):
			// inline code handed to an interpreter by a child: the shape
			// of droppers and reverse shells, unlike the ordinary tool
			// runs every build and test makes, which are not reported
			add(CapProcess, argv, "ran inline code with "+argv, "exec "+argv, false)
		}
	}
	for _, n := range r.Network {
		if n.Protocol == "unix" {
			continue
		}
		host := n.Dest
		bare := host
		if i := strings.LastIndexByte(host, ':'); i > 0 {
			bare = host[:i]
		}
		switch {
		case strings.Trim(bare, "[]") == metadataIP:
			add(CapCredentials, host, "contacted the cloud instance-metadata service "+host, "network "+host, true)
		case len(findIPs(bare)) > 0:
			add(CapNetwork, host, "connected to the raw IP address "+host, "network "+n.Protocol+" "+host, true)
		default:
			add(CapNetwork, host, "connected to "+host, "network "+n.Protocol+" "+host, false)
		}
	}
	for _, d := range r.Denied {
		if d.Path == "" {
			continue
		}
		ev := d.Op + " " + d.Path
		if rule, ok := classifyPath(d.Path); ok {
			verb := "tried to read"
			if d.Op != "read" {
				verb = "tried to " + d.Op
			}
			add(rule.cap, d.Path, verb+" "+d.Path+" ("+rule.what+")", ev, true)
			continue
		}
		if d.Op != "read" && d.Op != "exec" && d.Op != "syscall" {
			add(CapFileWrite, d.Path, "tried to "+d.Op+" "+d.Path+" outside the work directory", ev, false)
		}
	}
	for _, f := range r.Files {
		if rule, ok := classifyPath(f.Path); ok {
			add(rule.cap, f.Path, f.Change+" "+f.Path+" ("+rule.what+")", f.Change+" "+f.Path, true)
		}
	}
	return out
}
