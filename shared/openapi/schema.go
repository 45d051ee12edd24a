package openapi

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/invopop/jsonschema"

	"github.com/octo-drone-shop/serverless/shared/money"
)

// schemas reflects Go types into JSON Schema 2020-12 (the dialect of OpenAPI 3.1) with
// github.com/invopop/jsonschema, collecting every named struct once under components/schemas.
//
// The rules, so that a schema says exactly what encoding/json writes for the type:
//   - every struct is closed (additionalProperties: false) and every field without omitempty is
//     required: removing a field from a response type makes an answer that still carries it, or a
//     document that still lists it, fail;
//   - pointers, slices and maps without omitempty may be null (encoding/json writes nil as null), so
//     their schema allows null;
//   - in a request body (input), a pointer field is optional too: the strict decoder leaves it nil when
//     absent, which is how handlers tell "not given". When one Go type is both a request and a
//     response body, the response's (stricter) schema is the component;
//   - a type with its own JSON encoding must be mapped (mapped below): reflecting its fields would
//     describe a shape it never writes, so an unknown one is an error, not a guess.
type schemas struct {
	input bool // request bodies: a pointer field may be left out, so it is not required
	r     *jsonschema.Reflector
	defs  map[string]any          // component name -> schema
	types map[string]reflect.Type // component name -> the Go type it describes
	err   error
}

func newSchemas(input bool) *schemas {
	s := &schemas{input: input, defs: map[string]any{}, types: map[string]reflect.Type{}}
	s.r = &jsonschema.Reflector{
		Anonymous: true,
		Namer:     s.name,
		Mapper:    s.mapped,
	}
	return s
}

var (
	marshaler     = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// mapped gives the schema of the types with their own JSON encoding.
func (s *schemas) mapped(t reflect.Type) *jsonschema.Schema {
	switch t {
	case reflect.TypeFor[money.Cents]():
		return &jsonschema.Schema{Type: "string", Pattern: `^-?[0-9]+\.[0-9]{2}$`,
			Description: "An amount with two decimals, as a string (e.g. \"12.50\")."}
	case reflect.TypeFor[time.Time]():
		return &jsonschema.Schema{Type: "string", Format: "date-time"}
	case reflect.TypeFor[json.RawMessage]():
		return &jsonschema.Schema{Description: "Any JSON value."}
	}
	if t.Kind() != reflect.Pointer && (t.Implements(marshaler) || reflect.PointerTo(t).Implements(marshaler) ||
		t.Implements(textMarshaler)) && s.err == nil {
		s.err = fmt.Errorf("openapi: %s has its own JSON encoding: map it in openapi.schemas.mapped", t)
	}
	return nil
}

// name is a struct's component name: its package's last element and its name in Go, e.g.
// CatalogProduct, so equal type names of two functions never collide.
func (s *schemas) name(t reflect.Type) string {
	if t.Name() == "" {
		return ""
	}
	pkg := t.PkgPath()
	pkg = pkg[strings.LastIndex(pkg, "/")+1:]
	var b strings.Builder
	for part := range strings.FieldsFuncSeq(pkg, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	name := t.Name()
	if i := strings.IndexByte(name, '['); i >= 0 { // a generic instance: Page[pkg.Item] -> PageItem
		inner := name[i+1 : len(name)-1]
		name = name[:i] + inner[strings.LastIndex(inner, ".")+1:]
	}
	b.WriteString(strings.ToUpper(name[:1]) + name[1:])
	n := b.String()
	if prev, ok := s.types[n]; ok && prev != t && s.err == nil {
		s.err = fmt.Errorf("openapi: types %s and %s share the component name %s", prev, t, n)
	}
	s.types[n] = t
	return n
}

// of returns the schema of v's type: a reference to its component for a named struct.
func (s *schemas) of(v any) (any, error) {
	rs := s.r.Reflect(v)
	if s.err != nil {
		return nil, s.err
	}
	data, err := json.Marshal(rs)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	delete(m, "$schema")
	delete(m, "$id")
	if defs, ok := m["$defs"].(map[string]any); ok {
		for name, d := range defs {
			d := rewriteRefs(d).(map[string]any)
			s.nullable(name, d)
			s.defs[name] = d
		}
		delete(m, "$defs")
	}
	return rewriteRefs(m), nil
}

// rewriteRefs points $defs references at components/schemas.
func rewriteRefs(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == "$ref" {
				if ref, ok := e.(string); ok {
					x[k] = strings.Replace(ref, "#/$defs/", "#/components/schemas/", 1)
				}
				continue
			}
			x[k] = rewriteRefs(e)
		}
	case []any:
		for i, e := range x {
			x[i] = rewriteRefs(e)
		}
	}
	return v
}

// nullable lets the properties of component name that encoding/json may write as null be null.
func (s *schemas) nullable(name string, def map[string]any) {
	t, ok := s.types[name]
	if !ok || t.Kind() != reflect.Struct {
		return
	}
	props, _ := def["properties"].(map[string]any)
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		tag := f.Tag.Get("json")
		jname, opts, _ := strings.Cut(tag, ",")
		if jname == "-" {
			continue
		}
		if jname == "" {
			jname = f.Name
		}
		if strings.Contains(","+opts+",", ",omitempty,") {
			continue // nil is left out, never written as null
		}
		switch f.Type.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		default:
			continue
		}
		if f.Type == reflect.TypeFor[json.RawMessage]() {
			continue
		}
		if p, ok := props[jname].(map[string]any); ok {
			props[jname] = orNull(p)
		}
		if s.input && f.Type.Kind() == reflect.Pointer {
			if req, ok := def["required"].([]any); ok {
				req = slices.DeleteFunc(req, func(v any) bool { return v == jname })
				if len(req) == 0 {
					delete(def, "required")
				} else {
					def["required"] = req
				}
			}
		}
	}
}

// orNull is schema p or null.
func orNull(p map[string]any) map[string]any {
	if typ, ok := p["type"].(string); ok {
		if _, isRef := p["$ref"]; !isRef {
			p["type"] = []any{typ, "null"}
			return p
		}
	}
	if len(p) == 0 {
		return p // any value, null included
	}
	return map[string]any{"anyOf": []any{p, map[string]any{"type": "null"}}}
}
