package schemaprovider

import (
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// ParseType converts a type in cty's JSON form, as `providers schema -json` writes attribute types
// ("string", ["list","string"], ["object",{"a":"number"}], ["object",{...},["optional names"]],
// ["tuple",[...]], "dynamic"), into a tftypes.Type. (tftypes.ParseJSONType does the same but is
// deprecated for use outside terraform-plugin-go.)
func ParseType(raw json.RawMessage) (tftypes.Type, error) {
	var name string
	if err := json.Unmarshal(raw, &name); err == nil {
		switch name {
		case "string":
			return tftypes.String, nil
		case "number":
			return tftypes.Number, nil
		case "bool":
			return tftypes.Bool, nil
		case "dynamic":
			return tftypes.DynamicPseudoType, nil
		}
		return nil, fmt.Errorf("type %q: not a primitive type", name)
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) < 2 {
		return nil, fmt.Errorf("type %s: want a name or [kind, element]", raw)
	}
	if err := json.Unmarshal(parts[0], &name); err != nil {
		return nil, fmt.Errorf("type %s: kind is not a string", raw)
	}
	switch name {
	case "list", "set", "map":
		if len(parts) != 2 {
			return nil, fmt.Errorf("type %s: want [%q, element]", raw, name)
		}
		elem, err := ParseType(parts[1])
		if err != nil {
			return nil, err
		}
		switch name {
		case "list":
			return tftypes.List{ElementType: elem}, nil
		case "set":
			return tftypes.Set{ElementType: elem}, nil
		}
		return tftypes.Map{ElementType: elem}, nil
	case "object":
		return parseObject(raw, parts)
	case "tuple":
		var elems []json.RawMessage
		if len(parts) != 2 || json.Unmarshal(parts[1], &elems) != nil {
			return nil, fmt.Errorf("type %s: want [\"tuple\", [elements]]", raw)
		}
		t := tftypes.Tuple{ElementTypes: make([]tftypes.Type, 0, len(elems))}
		for _, e := range elems {
			et, err := ParseType(e)
			if err != nil {
				return nil, err
			}
			t.ElementTypes = append(t.ElementTypes, et)
		}
		return t, nil
	}
	return nil, fmt.Errorf("type %s: unknown kind %q", raw, name)
}

func parseObject(raw json.RawMessage, parts []json.RawMessage) (tftypes.Type, error) {
	var attrs map[string]json.RawMessage
	if len(parts) > 3 || json.Unmarshal(parts[1], &attrs) != nil || attrs == nil {
		return nil, fmt.Errorf("type %s: want [\"object\", {attributes}, optional names?]", raw)
	}
	t := tftypes.Object{AttributeTypes: make(map[string]tftypes.Type, len(attrs))}
	for name, a := range attrs {
		at, err := ParseType(a)
		if err != nil {
			return nil, err
		}
		t.AttributeTypes[name] = at
	}
	if len(parts) == 3 {
		var optional []string
		if err := json.Unmarshal(parts[2], &optional); err != nil {
			return nil, fmt.Errorf("type %s: optional attributes are not a list of names", raw)
		}
		t.OptionalAttributes = map[string]struct{}{}
		for _, name := range optional {
			if _, ok := attrs[name]; !ok {
				return nil, fmt.Errorf("type %s: optional attribute %q is not an attribute", raw, name)
			}
			t.OptionalAttributes[name] = struct{}{}
		}
	}
	return t, nil
}
