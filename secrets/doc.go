// Package secrets finds hard-coded credentials in files and text: provider
// key formats (cloud, source hosting, chat, payment and AI provider keys,
// private keys, JWTs, package-registry tokens, credentials in URLs) and
// entropy-gated generic assignments such as password = "…" or
// api_key: … in code and configuration files.
//
// Each rule names keywords. One pass of an Aho-Corasick automaton over the
// input finds which keywords occur on which lines, and a rule's regular
// expression runs only on those lines. Placeholders (xxx, <your-key>,
// ${VAR}, changeme, example, dummy…) are ignored; provider-format keys in
// test files and fixtures are reported at low severity and generic
// assignments there are not reported. Every finding's Evidence has the
// secret redacted, and Redact scrubs any text the same way.
package secrets
