package secrets

import (
	"fmt"
	"strings"
	"testing"
)

// benchSource builds about size bytes of ordinary-looking code in several
// languages, with the words the generic rules look for (token, password,
// key, secret) used the way real code uses them, and two real-shaped
// secrets.
func benchSource(size int) []byte {
	lines := []string{
		"func (p *parser) next() token.Token {",
		"\ttok := p.scanner.Scan()",
		"\tif tok == token.EOF { return tok }",
		"def check_password(user, password):",
		"    return hmac.compare_digest(hash_password(password), user.password_hash)",
		"const apiKey = process.env.API_KEY;",
		"    secret_name = f\"projects/{project}/secrets/{name}/versions/latest\"",
		"public String getToken() { return this.token; }",
		"for key, value := range m { out[key] = value }",
		"    # A comment that mentions a secret key and an access token.",
		"\tresp, err := http.Get(\"https://example.org/v1/items?page=\" + strconv.Itoa(n))",
		"SELECT id, name FROM users WHERE id = ?",
		"    x = compute(a, b) * 2 + offset",
		"}",
	}
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		b.WriteString(lines[i%len(lines)])
		b.WriteByte('\n')
		if i%50000 == 25000 {
			fmt.Fprintf(&b, "GITHUB_TOKEN = %q\n", fakeGitHub)
			fmt.Fprintf(&b, "db_password = %q\n", "Zq8w!rT3vK")
		}
	}
	return []byte(b.String())
}

func BenchmarkScan(b *testing.B) {
	src := benchSource(4 << 20)
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for b.Loop() {
		if fs := Scan("big.go", src); len(fs) == 0 {
			b.Fatal("expected findings")
		}
	}
}

// BenchmarkScanNoKeywords measures the prefilter alone: text in which no
// rule's keyword occurs.
func BenchmarkScanNoKeywords(b *testing.B) {
	src := []byte(strings.Repeat("\tx = compute(a, b) * 2 + offset // plain code\n", 90000))
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for b.Loop() {
		Scan("plain.go", src)
	}
}

func BenchmarkRedact(b *testing.B) {
	s := strings.Repeat("tool output line with nothing secret in it\n", 100) + "token ghp_hGAkWvj7FAc9QeWJKY40uvSwMFLZDe1f8rES\n"
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Redact(s)
	}
}
