package audit

import (
	"os"
	"path/filepath"
)

// EnvVar names the environment variable that overrides the log location.
const EnvVar = "AIRLOCK_AUDIT"

// DefaultPath is the log for the project that contains dir:
// .airlock/audit.db under the nearest ancestor that has a .airlock or
// .git entry, or under dir itself when there is none.
func DefaultPath(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	for d := abs; ; {
		for _, marker := range []string{".airlock", ".git"} {
			if _, err := os.Lstat(filepath.Join(d, marker)); err == nil {
				return filepath.Join(d, ".airlock", "audit.db")
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return filepath.Join(abs, ".airlock", "audit.db")
}

// Resolve picks the log location: the flag if set, else $AIRLOCK_AUDIT,
// else DefaultPath(dir).
func Resolve(flag, dir string) string {
	if flag != "" {
		return flag
	}
	if v := os.Getenv(EnvVar); v != "" {
		return v
	}
	return DefaultPath(dir)
}
