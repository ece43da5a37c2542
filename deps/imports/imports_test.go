package imports

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func summary(imps []Import) []string {
	out := []string{}
	for _, i := range imps {
		out = append(out, fmt.Sprintf("%d %s %s", i.Line, i.Module, i.Package))
	}
	return out
}

func TestRead(t *testing.T) {
	tests := []struct {
		path, src string
		want      []string
	}{
		{"a.py", "import os, sys\nimport yaml\nfrom sklearn.linear_model import LinearRegression\nimport numpy as np\nfrom . import sibling\nfrom .pkg import x\nimport google.protobuf.message\nimport cv2, PIL.Image\nimport requests\nimport yaml\n",
			[]string{"2 yaml PyYAML", "3 sklearn.linear_model scikit-learn", "4 numpy numpy", "7 google.protobuf.message protobuf", "8 cv2 opencv-python", "8 PIL.Image Pillow", "9 requests requests"}},
		{"a.py", "def f(:\n  import reqeusts\n", []string{"2 reqeusts reqeusts"}}, // broken code still yields its imports
		{"a.js", "const fs = require('fs');\nconst p = require(\"node:path\");\nimport x from 'express';\nimport {y} from '@babel/core/lib/parse';\nexport * from 'lodash/fp';\nconst z = await import('left-pad');\nimport './local';\nrequire(dynamicName);\n",
			[]string{"3 express express", "4 @babel/core/lib/parse @babel/core", "5 lodash/fp lodash", "6 left-pad left-pad"}},
		{"a.ts", "import type { A } from 'zod';\nimport b = require('chalk');\n", []string{"1 zod zod"}},
		{"a.tsx", "import React from 'react';\nexport const C = () => <div/>;\n", []string{"1 react react"}},
		{"a.go", "package main\n\nimport (\n\t\"fmt\"\n\t\"github.com/spf13/cobra\"\n\t\"golang.org/x/text/language\"\n\t\"C\"\n)\n", []string{"5 github.com/spf13/cobra github.com/spf13/cobra", "6 golang.org/x/text/language golang.org/x/text/language"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := Read(context.Background(), tt.path, []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summary(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	if _, err := Read(context.Background(), "a.rb", []byte("require 'x'")); !errors.Is(err, ErrLanguage) {
		t.Errorf("want ErrLanguage, got %v", err)
	}
	if _, err := Read(context.Background(), "a.go", []byte("package")); err == nil || !strings.Contains(err.Error(), "a.go") {
		t.Errorf("want a parse error naming the file, got %v", err)
	}
	if _, err := Read(context.Background(), "a.py", make([]byte, MaxSize+1)); err == nil {
		t.Error("want a size error")
	}
}

func TestProvider(t *testing.T) {
	tests := []struct {
		eco, mod, want string
		ok             bool
	}{
		{"PyPI", "yaml", "PyYAML", true}, {"PyPI", "json", "", false}, {"PyPI", "azure.storage.blob", "azure-storage-blob", true},
		{"npm", "fs/promises", "", false}, {"npm", "@scope", "", false}, {"npm", "#internal", "", false}, {"npm", "react-dom/client", "react-dom", true},
	}
	for _, tt := range tests {
		got, ok := Provider(tt.eco, tt.mod)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Provider(%s, %s) = %q, %v", tt.eco, tt.mod, got, ok)
		}
	}
}

// FuzzRead checks the import readers never panic or hang on any input.
func FuzzRead(f *testing.F) {
	f.Add("a.py", []byte("import yaml\nfrom x import y\n"))
	f.Add("a.js", []byte("import x from 'y'; require('z')"))
	f.Add("a.go", []byte("package p\nimport \"a.b/c\"\n"))
	f.Fuzz(func(t *testing.T, name string, src []byte) {
		ext := []string{"a.py", "a.js", "a.ts", "a.go"}[len(name)%4]
		imps, err := Read(context.Background(), ext, src)
		if err != nil {
			return
		}
		for _, i := range imps {
			if i.Package == "" || i.Line < 1 {
				t.Fatalf("bad import %+v", i)
			}
		}
	})
}

func TestOptional(t *testing.T) {
	tests := []struct {
		path, src string
		want      []string // module, then "optional" when it is
	}{
		{"a.py", "try:\n    import ujson as json\nexcept ImportError:\n    import simplejson as json\n", []string{"ujson optional", "simplejson optional"}},
		{"a.py", "try:\n    import orjson\nexcept (ImportError, AttributeError):\n    orjson = None\n", []string{"orjson optional"}},
		{"a.py", "try:\n    import requests\nexcept ValueError:\n    pass\n", []string{"requests"}},
		{"a.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from typing_extensions import Self\n", []string{"typing_extensions optional"}},
		// One unguarded import makes the package required.
		{"a.py", "try:\n    import yaml\nexcept ImportError:\n    yaml = None\nimport yaml\n", []string{"yaml"}},
		{"a.js", "let fsevents;\ntry { fsevents = require('fsevents'); } catch (e) {}\nconst chalk = require('chalk');\n", []string{"fsevents optional", "chalk"}},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			got, err := Read(context.Background(), tt.path, []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, imp := range got {
				if imp.Optional {
					s = append(s, imp.Module+" optional")
				} else {
					s = append(s, imp.Module)
				}
			}
			if diff := cmp.Diff(tt.want, s); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestGoIgnoreTag(t *testing.T) {
	for src, want := range map[string]bool{
		"//go:build ignore\n\npackage x\n\nimport \"github.com/lib/pq\"\n":           true,
		"//go:build linux && !ignore\n\npackage x\n\nimport \"github.com/lib/pq\"\n": false,
		"//go:build linux\n\npackage x\n\nimport \"github.com/lib/pq\"\n":            false,
		"package x\n\n// go:build ignore\nimport \"github.com/lib/pq\"\n":            false,
	} {
		got, err := Read(context.Background(), "a.go", []byte(src))
		if err != nil || len(got) != 1 || got[0].Optional != want {
			t.Errorf("%q: %+v %v, want optional=%v", src, got, err, want)
		}
	}
}
