package lang

/*
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

// The declarations below mirror tree-sitter's public C API (api.h). The
// library itself is compiled and linked by github.com/tree-sitter/go-tree-sitter;
// we talk to it directly so that parsing and flattening a tree cost a single
// cgo call instead of one Go callback per allocation and per node.
typedef struct TSLanguage TSLanguage;
typedef struct TSParser TSParser;
typedef struct TSTree TSTree;
typedef uint16_t TSSymbol;
typedef uint16_t TSFieldId;
typedef struct { uint32_t row; uint32_t column; } TSPoint;
typedef struct {
  uint32_t context[4];
  const void *id;
  const TSTree *tree;
} TSNode;
typedef struct {
  const void *tree;
  const void *id;
  uint32_t context[3];
} TSTreeCursor;
typedef struct {
  void *payload;
  const char *(*read)(void *payload, uint32_t byte_index, TSPoint position, uint32_t *bytes_read);
  int encoding;
  void *decode;
} TSInput;
typedef struct {
  void *payload;
  uint32_t current_byte_offset;
  bool has_error;
} TSParseState;
typedef struct {
  void *payload;
  bool (*progress_callback)(TSParseState *state);
} TSParseOptions;

TSParser *ts_parser_new(void);
void ts_parser_delete(TSParser *self);
bool ts_parser_set_language(TSParser *self, const TSLanguage *language);
void ts_parser_reset(TSParser *self);
TSTree *ts_parser_parse_with_options(TSParser *self, const TSTree *old_tree, TSInput input, TSParseOptions options);
void ts_tree_delete(TSTree *self);
TSNode ts_tree_root_node(const TSTree *self);
uint32_t ts_node_descendant_count(TSNode self);
TSSymbol ts_node_symbol(TSNode self);
uint32_t ts_node_start_byte(TSNode self);
uint32_t ts_node_end_byte(TSNode self);
TSPoint ts_node_start_point(TSNode self);
TSPoint ts_node_end_point(TSNode self);
bool ts_node_is_named(TSNode self);
bool ts_node_is_missing(TSNode self);
bool ts_node_is_extra(TSNode self);
bool ts_node_is_error(TSNode self);
bool ts_node_has_error(TSNode self);
TSTreeCursor ts_tree_cursor_new(TSNode node);
void ts_tree_cursor_delete(TSTreeCursor *self);
TSNode ts_tree_cursor_current_node(const TSTreeCursor *self);
TSFieldId ts_tree_cursor_current_field_id(const TSTreeCursor *self);
bool ts_tree_cursor_goto_parent(TSTreeCursor *self);
bool ts_tree_cursor_goto_next_sibling(TSTreeCursor *self);
bool ts_tree_cursor_goto_first_child(TSTreeCursor *self);
uint32_t ts_language_symbol_count(const TSLanguage *self);
uint32_t ts_language_field_count(const TSLanguage *self);
const char *ts_language_field_name_for_id(const TSLanguage *self, TSFieldId id);
const char *ts_language_symbol_name(const TSLanguage *self, TSSymbol symbol);
void ts_set_allocator(void *(*new_malloc)(size_t), void *(*new_calloc)(size_t, size_t),
                      void *(*new_realloc)(void *, size_t), void (*new_free)(void *));

static void al_use_libc_allocator(void) {
  ts_set_allocator(malloc, calloc, realloc, free);
}

typedef struct {
  const char *src;
  uint32_t len;
} al_input;

static const char *al_read(void *payload, uint32_t byte_index, TSPoint pos, uint32_t *bytes_read) {
  al_input *in = (al_input *)payload;
  if (byte_index >= in->len) {
    *bytes_read = 0;
    return "";
  }
  *bytes_read = in->len - byte_index;
  return in->src + byte_index;
}

// The cancel flag lives in C memory; Go sets it from a watcher goroutine
// when the context ends and tree-sitter polls it through this callback.
static bool al_progress(TSParseState *state) {
  return __atomic_load_n((volatile int32_t *)state->payload, __ATOMIC_RELAXED) != 0;
}

static TSTree *al_parse(TSParser *p, const char *src, uint32_t len, int32_t *cancel) {
  al_input in = {src, len};
  TSInput input;
  memset(&input, 0, sizeof input);
  input.payload = &in;
  input.read = al_read;
  input.encoding = 0;
  TSParseOptions opts = {cancel, al_progress};
  return ts_parser_parse_with_options(p, NULL, input, opts);
}

enum { AL_NAMED = 1, AL_EXTRA = 2, AL_ERROR = 4, AL_MISSING = 8 };

typedef struct {
  int32_t parent;
  uint16_t sym;
  uint16_t field;
  uint32_t flags;
  uint32_t start, end;
  uint32_t srow, scol, erow, ecol;
} al_node;

static uint32_t al_count(TSTree *t) {
  return ts_node_descendant_count(ts_tree_root_node(t));
}

// al_flatten writes the tree in pre-order. It walks with a cursor and finds
// parents through the parent indexes already written, so it needs no stack
// and deep nesting cannot overflow anything.
static uint32_t al_flatten(TSTree *t, al_node *out, uint32_t cap) {
  TSTreeCursor c = ts_tree_cursor_new(ts_tree_root_node(t));
  uint32_t n = 0;
  int32_t parent = -1;
  for (;;) {
    if (n >= cap) break;
    TSNode node = ts_tree_cursor_current_node(&c);
    al_node *o = &out[n];
    o->parent = parent;
    o->sym = ts_node_symbol(node);
    o->field = ts_tree_cursor_current_field_id(&c);
    uint32_t f = 0;
    if (ts_node_is_named(node)) f |= AL_NAMED;
    if (ts_node_is_extra(node)) f |= AL_EXTRA;
    if (ts_node_is_error(node)) f |= AL_ERROR;
    if (ts_node_is_missing(node)) f |= AL_MISSING;
    o->flags = f;
    o->start = ts_node_start_byte(node);
    o->end = ts_node_end_byte(node);
    TSPoint sp = ts_node_start_point(node), ep = ts_node_end_point(node);
    o->srow = sp.row; o->scol = sp.column; o->erow = ep.row; o->ecol = ep.column;
    int32_t self = (int32_t)n;
    n++;
    if (ts_tree_cursor_goto_first_child(&c)) {
      parent = self;
      continue;
    }
    while (!ts_tree_cursor_goto_next_sibling(&c)) {
      if (!ts_tree_cursor_goto_parent(&c)) {
        ts_tree_cursor_delete(&c);
        return n;
      }
      self = parent;
      parent = out[self].parent;
    }
  }
  ts_tree_cursor_delete(&c);
  return n;
}
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	// The tree-sitter runtime is compiled and linked by the official
	// bindings; this package calls its C API directly.
	_ "github.com/tree-sitter/go-tree-sitter"
)

var allocOnce sync.Once

// useLibcAllocator points tree-sitter back at libc's allocator. The Go
// bindings route every C allocation through a Go callback, which roughly
// doubles parse time; nothing in this program frees tree-sitter memory from
// Go, so plain malloc/free is safe.
func useLibcAllocator() {
	allocOnce.Do(setLibcAllocator)
}

func setLibcAllocator() { C.al_use_libc_allocator() }

// ErrCanceled is returned when the context ends during parsing.
var ErrCanceled = errors.New("parse canceled")

type parser struct {
	p       *C.TSParser
	cancel  *C.int32_t
	cleanup runtime.Cleanup
}

type cParser struct {
	p      *C.TSParser
	cancel *C.int32_t
}

func newParser() *parser {
	useLibcAllocator()
	c := cParser{p: C.ts_parser_new(), cancel: (*C.int32_t)(C.calloc(1, 4))}
	p := &parser{p: c.p, cancel: c.cancel}
	p.cleanup = runtime.AddCleanup(p, freeParser, c)
	return p
}

func freeParser(c cParser) {
	C.ts_parser_delete(c.p)
	C.free(unsafe.Pointer(c.cancel))
}

// discard frees a parser whose parse was halted. tree-sitter 0.25's
// ts_parser_reset does not clear the flag that marks a halted tree
// balance, so a reset parser would try to resume it on the next file and
// abort on an assertion; a fresh parser is the only safe choice.
func (p *parser) discard() {
	p.cleanup.Stop()
	freeParser(cParser{p: p.p, cancel: p.cancel})
	p.p, p.cancel = nil, nil
}

// symbols caches a grammar's node-type and field names as Go strings, so
// flattening a tree allocates no strings.
type symbols struct {
	kinds  []string
	fields []string
}

func loadSymbols(l *C.TSLanguage) *symbols {
	s := &symbols{}
	nk := int(C.ts_language_symbol_count(l))
	s.kinds = make([]string, nk)
	for i := 0; i < nk; i++ {
		if p := C.ts_language_symbol_name(l, C.TSSymbol(i)); p != nil {
			s.kinds[i] = C.GoString(p)
		}
	}
	nf := int(C.ts_language_field_count(l))
	s.fields = make([]string, nf+1)
	for i := 1; i <= nf; i++ {
		if p := C.ts_language_field_name_for_id(l, C.TSFieldId(i)); p != nil {
			s.fields[i] = C.GoString(p)
		}
	}
	return s
}

// parse parses src with the language's grammar and returns the flattened
// tree. The C tree is freed before returning.
func (l *Language) parse(ctx context.Context, src []byte) (*Tree, error) {
	if len(src) > 1<<31-1 {
		return nil, fmt.Errorf("file too large to parse (%d bytes)", len(src))
	}
	l.once.Do(func() {
		l.cl = (*C.TSLanguage)(l.grammar())
		l.syms = loadSymbols(l.cl)
	})
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w: %w", ErrCanceled, ctx.Err())
	}
	p := l.getParser()
	if !C.ts_parser_set_language(p.p, l.cl) {
		l.putParser(p)
		return nil, fmt.Errorf("tree-sitter rejected the %s grammar (ABI mismatch)", l.Name)
	}
	atomic.StoreInt32((*int32)(unsafe.Pointer(p.cancel)), 0)
	stopWatch := func() {}
	if done := ctx.Done(); done != nil {
		finished, exited := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(exited)
			select {
			case <-done:
				atomic.StoreInt32((*int32)(unsafe.Pointer(p.cancel)), 1)
			case <-finished:
			}
		}()
		// The watcher must be gone before the parser is reused, or a late
		// cancel would hit another file's parse.
		stopWatch = func() { close(finished); <-exited }
	}
	var srcPtr *C.char
	if len(src) > 0 {
		srcPtr = (*C.char)(unsafe.Pointer(&src[0]))
	} else {
		srcPtr = (*C.char)(unsafe.Pointer(&zero[0]))
	}
	ct := C.al_parse(p.p, srcPtr, C.uint32_t(len(src)), p.cancel)
	stopWatch()
	if ct == nil {
		p.discard()
	} else {
		l.putParser(p)
	}
	if ct == nil {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCanceled, err)
		}
		return nil, fmt.Errorf("tree-sitter returned no tree")
	}
	defer C.ts_tree_delete(ct)
	n := int(C.al_count(ct))
	raw := make([]C.al_node, n)
	if n > 0 {
		n = int(C.al_flatten(ct, &raw[0], C.uint32_t(n)))
	}
	return build(l, src, raw[:n]), nil
}

var zero = []byte{0}

func build(l *Language, src []byte, raw []C.al_node) *Tree {
	t := &Tree{Lang: l, Src: src}
	nodes := make([]Node, len(raw))
	kinds, fields := l.syms.kinds, l.syms.fields
	nchild := make([]int32, len(raw))
	for i := range raw {
		r := &raw[i]
		n := &nodes[i]
		if int(r.sym) < len(kinds) {
			n.Kind = kinds[r.sym]
		}
		if int(r.field) < len(fields) {
			n.Field = fields[r.field]
		}
		f := uint32(r.flags)
		n.Named = f&C.AL_NAMED != 0
		n.Extra = f&C.AL_EXTRA != 0
		n.Missing = f&C.AL_MISSING != 0
		n.Start, n.End = uint32(r.start), uint32(r.end)
		n.StartRow, n.StartCol = uint32(r.srow), uint32(r.scol)
		n.EndRow, n.EndCol = uint32(r.erow), uint32(r.ecol)
		if f&C.AL_ERROR != 0 || n.Missing {
			if f&C.AL_ERROR != 0 {
				n.Kind = "ERROR"
			}
			n.Error = true
			t.Errors = append(t.Errors, n)
		}
		if p := int(r.parent); p >= 0 && !n.Extra {
			n.Parent = &nodes[p]
			nchild[p]++
		}
	}
	// One backing array holds every child list.
	all := make([]*Node, 0, len(raw))
	for i := range nodes {
		if c := nchild[i]; c > 0 {
			nodes[i].Children = all[len(all) : len(all) : len(all)+int(c)]
			all = all[:len(all)+int(c)]
		}
	}
	for i := range nodes {
		n := &nodes[i]
		if p := n.Parent; p != nil {
			p.Children = append(p.Children, n)
		}
	}
	t.Nodes = nodes
	if len(nodes) > 0 {
		t.Root = &nodes[0]
	}
	return t
}

type cLanguage = C.TSLanguage

// maxIdleParsers bounds the parsers kept per language. A parser's buffers
// grow to fit the files it has seen, so reusing one (instead of a
// sync.Pool that drops them at every GC) saves most of its set-up cost.
const maxIdleParsers = 8

func (l *Language) getParser() *parser {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n := len(l.idle); n > 0 {
		p := l.idle[n-1]
		l.idle = l.idle[:n-1]
		return p
	}
	return newParser()
}

func (l *Language) putParser(p *parser) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.idle) < maxIdleParsers {
		l.idle = append(l.idle, p)
	}
}
