package typosquat

import "testing"

func TestResembles(t *testing.T) {
	c := New(map[string][]string{"npm": {"express", "lodash", "react-dom", "ms"}, "PyPI": {"python-dateutil"}})
	for _, tc := range []struct {
		eco, name string
		want      Resemblance
	}{
		{"npm", "express", ResemblesNothing}, // popular itself
		{"npm", "expresss", ResemblesNear},
		{"npm", "lodahs", ResemblesNear},
		{"npm", "lo-dash", ResemblesNear},
		{"npm", "express-eval", ResemblesContains},
		{"npm", "my-react-dom-kit", ResemblesContains},
		{"npm", "ms-tools", ResemblesNothing}, // too short to count as contained
		{"npm", "corp-internal-tool", ResemblesNothing},
		{"PyPI", "Python_DateUtil2", ResemblesNear},
		{"Cargo", "serde", ResemblesNothing}, // no list for the ecosystem
	} {
		if got := c.Resembles(tc.eco, tc.name); got != tc.want {
			t.Errorf("Resembles(%s, %s) = %v, want %v", tc.eco, tc.name, got, tc.want)
		}
	}
}
