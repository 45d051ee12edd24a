package admincatalog

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/money"
)

// TestContractTypesMatchTheFieldTables: each contract type (contract.go) has exactly the fields its
// resource's records carry (id, fields, stored, computed, created_at, updated_at), each with the Go
// type the record holds; each create type the writable fields, the required ones as values and the
// others as pointers (optional), and each patch type all of them as pointers. So the OpenAPI
// document names the JSON the handlers answer and read.
func TestContractTypesMatchTheFieldTables(t *testing.T) {
	goType := map[kind]reflect.Type{
		textKind: reflect.TypeFor[string](), moneyKind: reflect.TypeFor[money.Cents](), intKind: reflect.TypeFor[int64](),
		flagKind: reflect.TypeFor[bool](), timeKind: reflect.TypeFor[*time.Time](), degreesKind: reflect.TypeFor[string](),
	}
	for _, c := range []struct {
		rs                    *resource
		answer, create, patch any
	}{
		{products, Product{}, ProductCreate{}, ProductPatch{}},
		{coupons, Coupon{}, CouponCreate{}, CouponPatch{}},
		{shops, Shop{}, ShopCreate{}, ShopPatch{}},
		{services, ShopService{}, ShopServiceCreate{}, ShopServicePatch{}},
		{warehouses, Warehouse{}, WarehouseCreate{}, WarehousePatch{}},
	} {
		want := map[string]reflect.Type{"id": reflect.TypeFor[int64](), "created_at": reflect.TypeFor[time.Time](),
			"updated_at": reflect.TypeFor[time.Time]()}
		create, patch := map[string]reflect.Type{}, map[string]reflect.Type{}
		for _, g := range [][]field{c.rs.fields, c.rs.stored, c.rs.computed} {
			for _, f := range g {
				want[f.name] = goType[f.kind]
			}
		}
		for _, f := range c.rs.fields {
			optional := goType[f.kind]
			if f.kind != timeKind {
				optional = reflect.PointerTo(optional)
			}
			create[f.name], patch[f.name] = optional, optional
			if f.required {
				create[f.name] = goType[f.kind]
			}
		}
		check := func(v any, want map[string]reflect.Type) {
			t.Helper()
			typ := reflect.TypeOf(v)
			got := map[string]reflect.Type{}
			for i := range typ.NumField() {
				name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
				got[name] = typ.Field(i).Type
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: fields %v, the %s table has %v", typ.Name(), got, c.rs.noun, want)
			}
		}
		check(c.answer, want)
		check(c.create, create)
		check(c.patch, patch)
	}
}
