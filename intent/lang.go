package intent

import (
	"path/filepath"
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"
	tsbash "github.com/tree-sitter/tree-sitter-bash/bindings/go"
	tsgo "github.com/tree-sitter/tree-sitter-go/bindings/go"
	tsjava "github.com/tree-sitter/tree-sitter-java/bindings/go"
	tsjs "github.com/tree-sitter/tree-sitter-javascript/bindings/go"
	tspython "github.com/tree-sitter/tree-sitter-python/bindings/go"
	tsts "github.com/tree-sitter/tree-sitter-typescript/bindings/go"
)

// Language names used in Use.Language and by LanguageOf.
const (
	Python     = "python"
	JavaScript = "javascript"
	TypeScript = "typescript"
	TSX        = "tsx"
	Go         = "go"
	Java       = "java"
	Shell      = "shell"
)

// grammar returns the tree-sitter language for one of the names above.
// The grammars are loaded per call because sitter.Language is a thin
// pointer wrapper; loading is cheap.
func grammar(lang string) *sitter.Language {
	switch lang {
	case Python:
		return sitter.NewLanguage(tspython.Language())
	case JavaScript:
		return sitter.NewLanguage(tsjs.Language())
	case TypeScript:
		return sitter.NewLanguage(tsts.LanguageTypescript())
	case TSX:
		return sitter.NewLanguage(tsts.LanguageTSX())
	case Go:
		return sitter.NewLanguage(tsgo.Language())
	case Java:
		return sitter.NewLanguage(tsjava.Language())
	case Shell:
		return sitter.NewLanguage(tsbash.Language())
	}
	return nil
}

// LanguageOf picks the language of a file from its name, and for files
// without a known extension from a #! line, so extension-less scripts in
// bin/ are still checked. It returns "" for files it cannot analyse.
func LanguageOf(path string, content []byte) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".py", ".pyw":
		return Python
	case ".js", ".mjs", ".cjs", ".jsx":
		return JavaScript
	case ".ts", ".mts", ".cts":
		return TypeScript
	case ".tsx":
		return TSX
	case ".go":
		return Go
	case ".java":
		return Java
	case ".sh", ".bash", ".zsh", ".ksh":
		return Shell
	case "":
		return fromShebang(content)
	}
	return ""
}

func fromShebang(content []byte) string {
	if len(content) < 3 || string(content[:2]) != "#!" {
		return ""
	}
	line := string(content[:min(len(content), 128)])
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	switch {
	case strings.Contains(line, "python"):
		return Python
	case strings.Contains(line, "node"), strings.Contains(line, "deno"), strings.Contains(line, "bun"):
		return JavaScript
	case strings.Contains(line, "sh"):
		return Shell
	}
	return ""
}
