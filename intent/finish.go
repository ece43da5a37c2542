package intent

import (
	"strings"
)

// finish runs the checks that need the whole file: literals naming
// sensitive paths, raw IPs next to network code, encoded payloads.
func (x *extractor) finish() {
	for _, s := range x.strs {
		v := s.val
		if r, ok := classifyPath(v); ok && len(v) < 512 {
			x.add(s.node, r.cap, v, "accesses "+v+" ("+r.what+")", true)
		}
		for _, ip := range findIPs(v) {
			switch {
			case ip.ip == metadataIP:
				x.add(s.node, CapCredentials, ip.String(), "queries the cloud instance-metadata service ("+ip.String()+"), which hands out credentials", true)
			case x.hasNetwork && !x.inRange(ip.ip):
				x.add(s.node, CapNetwork, ip.String(), "talks to the raw IP address "+ip.String(), true)
			}
		}
		if b, ok := decodeBlob(v); ok {
			switch {
			case looksLikeCode(b):
				x.add(s.node, CapObfuscation, blobSummary(v), "hides a program in an encoded string literal", true)
			case x.hasDecode && x.evalUse > 0:
				x.add(s.node, CapObfuscation, blobSummary(v), "carries an encoded payload and evaluates decoded code", true)
			}
		}
	}
	if x.hasDecode && x.evalUse > 0 && !x.hasCap(CapObfuscation) {
		u := x.uses[x.evalUse-1]
		u.Cap, u.Sensitive = CapObfuscation, true
		u.Why = "decodes data and evaluates code in the same file (" + u.Detail + ")"
		x.uses = append(x.uses, u)
	}
}

// inRange reports whether an IP literal is a CIDR bound, a netmask or a
// version-like constant rather than a destination: "10.0.0.0/8".
func (x *extractor) inRange(ip string) bool {
	for _, s := range x.strs {
		if strings.Contains(s.val, ip+"/") {
			return true
		}
	}
	return strings.HasPrefix(ip, "255.") || strings.HasSuffix(ip, ".0")
}

func (x *extractor) hasCap(c Cap) bool {
	for _, u := range x.uses {
		if u.Cap == c {
			return true
		}
	}
	return false
}

func blobSummary(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}
