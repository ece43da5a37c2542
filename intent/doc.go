// Package intent checks that a code change does what its task asked for
// and nothing more. It extracts the capabilities a change uses — network,
// process execution, writes outside the project, environment and
// credential access, dynamic evaluation, deserialization, native code,
// persistence, obfuscation — statically from Python, JavaScript,
// TypeScript, Go, Java and shell sources with tree-sitter, and optionally
// from a sandbox behaviour report. It compares them with the capabilities
// the task text implies and those the project already had, and reports
// the unexpected ones with evidence.
//
// Sensitive capabilities (credential files, persistence locations,
// decode-then-exec, connections to raw IP addresses) are reported even
// when the task mentions networking: only a task that names them
// explicitly, or an unchanged project file that already does the same
// thing, makes them expected.
package intent
