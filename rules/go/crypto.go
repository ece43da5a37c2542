//go:build ignore

// This file is test input for the rules next to it, not part of the build.

package sample

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"math/big"
	mrand "math/rand/v2"
	"net/http"

	"golang.org/x/crypto/md4"
	"golang.org/x/crypto/ripemd160"
)

const skipChecks = !false

func insecureForms() {
	// ruleid: go-tls-insecure-skip-verify
	_ = &tls.Config{InsecureSkipVerify: !false}
	// ruleid: go-tls-insecure-skip-verify
	_ = &tls.Config{InsecureSkipVerify: skipChecks}
	// ok: go-tls-insecure-skip-verify
	_ = &tls.Config{InsecureSkipVerify: !true}
	// ok: go-tls-insecure-skip-verify
	_ = &tls.Config{InsecureSkipVerify: *insecureFlag}
}

func client() *http.Client {
	// ruleid: go-tls-insecure-skip-verify
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: true}
	// ok: go-tls-insecure-skip-verify
	safe := &tls.Config{MinVersion: tls.VersionTLS12}
	// ruleid: go-tls-insecure-skip-verify
	safe.InsecureSkipVerify = true
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
}

func sums(data []byte) {
	// ruleid: go-weak-hash
	_ = md5.Sum(data)
	// ruleid: go-weak-hash
	h := sha1.New()
	// ok: go-weak-hash
	_ = sha256.Sum256(data)
	// ok: go-weak-hash
	_ = md5.Size
	// ruleid: go-weak-hash
	_ = md4.New()
	// ruleid: go-weak-hash
	_ = ripemd160.New()
	_ = h
}

func keys() {
	// ruleid: go-rsa-key-too-small
	weak, _ := rsa.GenerateKey(rand.Reader, 1024)
	// ruleid: go-rsa-key-too-small
	hexWeak, _ := rsa.GenerateKey(rand.Reader, 0x200)
	// ok: go-rsa-key-too-small
	strong, _ := rsa.GenerateKey(rand.Reader, 4096)
	// ok: go-rsa-key-too-small
	sized, _ := rsa.GenerateKey(rand.Reader, bits)
	_, _, _, _ = weak, hexWeak, strong, sized
}

func randomness() {
	// ruleid: go-math-rand
	_ = mrand.IntN(10)
	// ruleid: go-math-rand
	gen := mrand.New(mrand.NewPCG(1, 2))
	// ruleid: go-math-rand
	_ = gen.Uint64()
	// ok: go-math-rand
	_, _ = rand.Int(rand.Reader, big.NewInt(10))
	buf := make([]byte, 16)
	// ok: go-math-rand
	_, _ = rand.Read(buf)
}
