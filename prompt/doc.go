// Package prompt detects prompt injection and hidden text in what goes into
// an AI coding agent: the user's prompt, and untrusted context the agent
// reads (files, web pages, tool results, MCP tool descriptions, agent
// instruction files).
//
// The pipeline is normalise → hidden-text checks → decoders → signature
// rules → classifier:
//
//   - Normalize maps the input to a canonical form (NFKC, lower case,
//     TR39-style confusable skeleton, invisible characters removed, Unicode
//     tag characters and variation-selector payloads decoded) and keeps a
//     byte offset map back to the original, so every finding points at the
//     original text.
//   - Hidden-text checks report invisible and format characters that are
//     not part of a legitimate sequence (emoji ZWJ sequences, flag tag
//     sequences, joiners in scripts that need them, marks in RTL text).
//   - Decoders find base64, hex, URL-encoded and rot13 segments and scan
//     their decoded text too.
//   - Signature rules (rules/*.yaml, embedded) match known attack phrasing
//     by category, behind a keyword prefilter.
//   - A hashed n-gram logistic-regression classifier, trained by Train and
//     embedded as model.bin, scores windows of the text.
//
// Check runs the whole pipeline on a text; ScanFile checks a file for
// `airlock scan`; CheckMCPTools checks an MCP tools/list response.
package prompt
