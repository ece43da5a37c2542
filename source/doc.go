// Package source yields the files a scan checks: it walks directories
// honouring .gitignore and .airlockignore files, skips what cannot be
// scanned (binary, too large, unreadable) with a reason, and narrows a
// scan to the lines changed since a git revision.
package source
