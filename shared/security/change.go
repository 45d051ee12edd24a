package security

import "reflect"

// Changes describes a staff edit for an audit Entry's Details: {"before": {...}, "after": {...}}
// holding only the fields whose values differ between before and after (a field missing from one
// side counts as changed). The same shape for every write keeps the audit trail queryable.
func Changes(before, after map[string]any) map[string]any {
	b, a := map[string]any{}, map[string]any{}
	for k, v := range after {
		if old, ok := before[k]; !ok || !reflect.DeepEqual(old, v) {
			b[k], a[k] = before[k], v
		}
	}
	for k, v := range before {
		if _, ok := after[k]; !ok {
			b[k], a[k] = v, nil
		}
	}
	return map[string]any{"before": b, "after": a}
}
