package typosquat

import "testing"

// TestPopularAgreesWithDefault: Popular answers from a set what Default's
// checker would, for names on the list and for look-alikes of them.
func TestPopularAgreesWithDefault(t *testing.T) {
	lists := ParseList(popularTxt)
	c := Default()
	n := 0
	for eco, names := range lists {
		for i, name := range names {
			if i%50 != 0 {
				continue
			}
			n++
			if !Popular(eco, name) {
				t.Errorf("Popular(%q, %q) = false for a listed name", eco, name)
			}
			if _, ok := c.Check(eco, name); ok {
				t.Errorf("Default flags the listed name %s %q", eco, name)
			}
			if Popular(eco, name+"x-not-listed") {
				t.Errorf("Popular(%q, %q) = true", eco, name+"x-not-listed")
			}
		}
	}
	if n == 0 {
		t.Fatal("no names checked")
	}
	if !Popular("PyPI", "Flask") {
		t.Error("PyPI names compare normalised (Flask = flask)")
	}
}
