package intent

import (
	"github.com/airlockhq/airlock"
)

// Cap is a capability a piece of code uses.
type Cap string

// Capabilities, as used in rule ids (intent.unexpected.<cap>).
const (
	CapNetwork     Cap = "network"
	CapProcess     Cap = "process"
	CapFileWrite   Cap = "file-write"  // writes outside the project
	CapEnv         Cap = "env"         // dumps the whole environment
	CapCredentials Cap = "credentials" // credential files, secret env vars, metadata service
	CapEval        Cap = "eval"
	CapDeserialize Cap = "deserialization"
	CapNative      Cap = "native"
	CapPersistence Cap = "persistence"
	CapObfuscation Cap = "obfuscation" // decode-then-exec, download-then-exec, opaque blobs
)

// AllCaps lists every capability in a stable order.
var AllCaps = []Cap{CapNetwork, CapProcess, CapFileWrite, CapEnv, CapCredentials, CapEval, CapDeserialize, CapNative, CapPersistence, CapObfuscation}

// capInfo is what the report says about a capability.
type capInfo struct {
	noun     string // "network access"
	severity airlock.Severity
	// sensitiveSeverity applies to sensitive uses of the capability.
	sensitiveSeverity airlock.Severity
}

var caps = map[Cap]capInfo{
	CapNetwork:     {"network access", airlock.Medium, airlock.High},
	CapProcess:     {"process execution", airlock.Medium, airlock.High},
	CapFileWrite:   {"writes outside the project", airlock.Medium, airlock.High},
	CapEnv:         {"reading the whole environment", airlock.High, airlock.High},
	CapCredentials: {"credential access", airlock.Medium, airlock.Critical},
	CapEval:        {"dynamic code evaluation", airlock.Medium, airlock.High},
	CapDeserialize: {"unsafe deserialization", airlock.Medium, airlock.High},
	CapNative:      {"native code loading", airlock.Medium, airlock.High},
	CapPersistence: {"persistence", airlock.High, airlock.High},
	CapObfuscation: {"obfuscated execution", airlock.Critical, airlock.Critical},
}

// Use is one place where code uses a capability.
type Use struct {
	Cap  Cap    `json:"capability"`
	File string `json:"file"`
	Line int    `json:"line"` // 1-based; 0 for run-report observations
	Col  int    `json:"col"`
	// Detail is the literal that makes the use concrete: a host, URL,
	// IP:port, path, env var name or argv.
	Detail string `json:"detail,omitempty"`
	// Why describes the use as a verb phrase: "opens a socket to
	// 203.0.113.7:4444".
	Why string `json:"why"`
	// Sensitive uses are reported even when the task implies the
	// capability in general.
	Sensitive bool `json:"sensitive,omitempty"`
	// Observed is set for uses seen in a sandbox run, not in source.
	Observed bool `json:"observed,omitempty"`
	// Evidence is the source line (or report entry) the use was found on.
	Evidence string `json:"evidence,omitempty"`
}
