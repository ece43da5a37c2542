//go:build ignore

// This file is test input for the rules next to it, not part of the build.

package sample

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/rand"
	"crypto/rc4"
	"crypto/tls"
	"fmt"
	"io"
	mathrand "math/rand"
	"net/http"
	"net/http/pprof"
	"os"
	"os/exec"
	"unsafe"

	"github.com/go-ldap/ldap/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/ssh"
	"gorm.io/gorm"
)

func ciphers(key []byte) {
	// ruleid: go-weak-cipher
	des.NewCipher(key)
	// ruleid: go-weak-cipher
	rc4.NewCipher(key)
	// ok: go-weak-cipher
	aes.NewCipher(key)
}

func tlsConfigs() []*tls.Config {
	return []*tls.Config{
		// ruleid: go-tls-old-version
		&tls.Config{MinVersion: tls.VersionTLS10},
		// ok: go-tls-old-version
		&tls.Config{MinVersion: tls.VersionTLS12},
	}
}

const legacyMax = tls.VersionTLS11

func cappedTLS() []*tls.Config {
	var lowMax uint16 = tls.VersionTLS10
	modern := tls.VersionTLS13
	return []*tls.Config{
		// ruleid: go-tls-old-version
		&tls.Config{MaxVersion: lowMax},
		// ruleid: go-tls-old-version
		&tls.Config{MaxVersion: legacyMax},
		// ok: go-tls-old-version
		&tls.Config{MinVersion: modern},
		// ok: go-tls-old-version
		&tls.Config{MaxVersion: 0},
	}
}

func oldTLS() *tls.Config {
	// ruleid: go-tls-old-version
	return &tls.Config{ServerName: "db", MinVersion: tls.VersionTLS11}
}

func sshClient() *ssh.ClientConfig {
	return &ssh.ClientConfig{
		User: "deploy",
		// ruleid: go-ssh-insecure-host-key
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
	}
}

func jwts(p *jwt.Parser, s string) {
	// ruleid: go-jwt-unverified
	p.ParseUnverified(s, jwt.MapClaims{})
	// ok: go-jwt-unverified
	p.Parse(s, keyFunc)
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u"})
	// ruleid: go-jwt-hardcoded-key
	t.SignedString([]byte("super-secret-signing-key"))
	// ok: go-jwt-hardcoded-key
	t.SignedString([]byte(os.Getenv("JWT_KEY")))
}

func keyFunc(*jwt.Token) (any, error) { return nil, nil }

func encrypt(key, msg []byte) {
	// ruleid: go-hardcoded-aes-key
	block, _ := aes.NewCipher([]byte("0123456789abcdef"))
	// ruleid: go-cipher-constant-iv
	cipher.NewCBCEncrypter(block, []byte("fixedfixedfixedf"))
	gcm, _ := cipher.NewGCM(block)
	// ruleid: go-cipher-constant-iv
	gcm.Seal(nil, []byte("nonce-123456"), msg, nil)
	nonce := make([]byte, gcm.NonceSize())
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return
	}
	// ok: go-cipher-constant-iv
	gcm.Seal(nil, nonce, msg, nil)
	zero := make([]byte, gcm.NonceSize())
	// ruleid: go-cipher-constant-iv
	gcm.Seal(nil, zero, msg, nil)
	// ruleid: go-cipher-constant-iv
	cipher.NewCTR(block, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	iv := []byte("0123456789abcdef")
	// ruleid: go-cipher-constant-iv
	cipher.NewCBCEncrypter(block, iv)
	// Decryption must use the IV it is given.
	// ok: go-cipher-constant-iv
	cipher.NewCBCDecrypter(block, iv)
	fresh := make([]byte, aes.BlockSize)
	rand.Read(fresh)
	// ok: go-cipher-constant-iv
	cipher.NewCTR(block, fresh)
}

func perms(data []byte) {
	// ruleid: go-file-world-writable
	os.Chmod("config.json", 0777)
	f, _ := os.Open("cache")
	// ruleid: go-file-world-writable
	f.Chmod(0o666)
	// ok: go-file-world-writable
	os.Chmod("config.json", 0o600)
	// ok: go-file-world-writable
	os.MkdirAll("cache", 0o777)
	// ok: go-file-world-writable
	os.WriteFile("config.json", data, 0o666)
}

func temp(data []byte) {
	// ruleid: go-predictable-temp-file
	os.WriteFile("/tmp/report.csv", data, 0o600)
	// ok: go-predictable-temp-file
	os.OpenFile("/tmp/app.lock", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	// ok: go-predictable-temp-file
	f, _ := os.CreateTemp("", "report-*.csv")
	_ = f
}

func orm(db *gorm.DB, name string) {
	var u struct{}
	// ruleid: go-gorm-raw-sql-built
	db.Where(fmt.Sprintf("name = '%s'", name)).First(&u)
	// ruleid: go-gorm-raw-sql-built
	db.Raw("SELECT * FROM users WHERE name = '" + name + "'").Scan(&u)
	// ok: go-gorm-raw-sql-built
	db.Where("name = ?", name).First(&u)
}

func ldapSearch(user string) {
	// ruleid: go-ldap-filter-built
	ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		fmt.Sprintf("(uid=%s)", user), []string{"dn"}, nil)
	// ok: go-ldap-filter-built
	ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		fmt.Sprintf("(uid=%s)", ldap.EscapeFilter(user)), []string{"dn"}, nil)
}

func convert(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-exec-request-data
	exec.Command("convert", r.URL.Query().Get("file"), "out.png").Run()
	// ok: go-exec-request-data
	exec.Command("convert", "in.png", "out.png").Run()
	file := r.FormValue("file")
	// ruleid: go-exec-request-data
	exec.Command("cat", file).Run()
}

func tokens() (string, int) {
	// ruleid: go-math-rand-for-secret
	sessionToken := fmt.Sprintf("%x", mathrand.Int63())
	// ok: go-math-rand-for-secret
	backoff := mathrand.Intn(100)
	return sessionToken, backoff
}

func suites() *tls.Config {
	return &tls.Config{CipherSuites: []uint16{
		// ruleid: go-tls-weak-cipher-suite
		tls.TLS_RSA_WITH_RC4_128_SHA,
		// ok: go-tls-weak-cipher-suite
		tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		// ruleid: go-tls-weak-cipher-suite
		tls.TLS_RSA_WITH_AES_128_GCM_SHA256,
	}}
}

func thirdParty(w http.ResponseWriter) {
	// ruleid: go-cookie-samesite-none
	http.SetCookie(w, &http.Cookie{Name: "embed", Value: "1", Secure: true, HttpOnly: true, SameSite: http.SameSiteNoneMode})
}

func debug(mux *http.ServeMux) {
	// ruleid: go-pprof-handler-exposed
	mux.HandleFunc("/debug/pprof/", pprof.Index)
}

func views(b []byte) string {
	// ruleid: go-unsafe-pointer
	return unsafe.String(unsafe.SliceData(b), len(b))
}

func safeView(b []byte) string {
	// ok: go-unsafe-pointer
	return string(b)
}

func addresses(p *int) *int {
	// ruleid: go-unsafe-pointer
	addr := uintptr(unsafe.Pointer(p))
	// ok: go-unsafe-pointer
	q := (*int)(unsafe.Pointer(p))
	_ = q
	// ruleid: go-unsafe-pointer
	return (*int)(unsafe.Pointer(uintptr(unsafe.Pointer(p)) + 8))
}
