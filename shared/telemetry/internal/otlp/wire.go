package otlp

import (
	"math"

	"github.com/VictoriaMetrics/easyproto"
	"go.opentelemetry.io/otel/attribute"
)

// Protobuf encoding with easyproto, field by field in field-number order and a message's oneofs
// after its other fields, with proto3's rules, which is what protobuf-go's Marshal writes: scalars, strings and bytes are left out at their zero value,
// optional fields and oneof members are written whenever set, messages whenever present. The
// field numbers are those of opentelemetry-proto (go.opentelemetry.io/proto/otlp v1.11.0); the tests
// compare every request with the upstream exporters' byte for byte. Using easyproto rather than the
// generated messages keeps the protobuf runtime (its descriptor registry, built by ~20 package inits
// at every cold start, and 2 000 functions) out of the function binaries.

var marshalers easyproto.MarshalerPool

// encode runs fill on a fresh message and returns its encoding.
func encode(fill func(*easyproto.MessageMarshaler)) []byte {
	m := marshalers.Get()
	defer marshalers.Put(m)
	fill(m.MessageMarshaler())
	return m.Marshal(nil)
}

func putString(mm *easyproto.MessageMarshaler, n uint32, s string) {
	if s != "" {
		mm.AppendString(n, s)
	}
}

func putBytes(mm *easyproto.MessageMarshaler, n uint32, b []byte) {
	if len(b) > 0 {
		mm.AppendBytes(n, b)
	}
}

func putUint32(mm *easyproto.MessageMarshaler, n uint32, v uint32) {
	if v != 0 {
		mm.AppendUint32(n, v)
	}
}

func putFixed64(mm *easyproto.MessageMarshaler, n uint32, v uint64) {
	if v != 0 {
		mm.AppendFixed64(n, v)
	}
}

func putFixed32(mm *easyproto.MessageMarshaler, n uint32, v uint32) {
	if v != 0 {
		mm.AppendFixed32(n, v)
	}
}

func putDouble(mm *easyproto.MessageMarshaler, n uint32, v float64) {
	if math.Float64bits(v) != 0 {
		mm.AppendDouble(n, v)
	}
}

func putEnum(mm *easyproto.MessageMarshaler, n uint32, v int32) {
	if v != 0 {
		mm.AppendInt32(n, v)
	}
}

// putKeyValues writes repeated KeyValue field n: key = 1, value = 2 (an AnyValue, always present).
func putKeyValues(mm *easyproto.MessageMarshaler, n uint32, kvs []attribute.KeyValue) {
	for _, kv := range kvs {
		putKeyValue(mm, n, kv)
	}
}

func putKeyValueIter(mm *easyproto.MessageMarshaler, n uint32, it attribute.Iterator) {
	for it.Next() {
		putKeyValue(mm, n, it.Attribute())
	}
}

func putKeyValue(mm *easyproto.MessageMarshaler, n uint32, kv attribute.KeyValue) {
	m := mm.AppendMessage(n)
	putString(m, 1, string(kv.Key))
	putAnyValue(m.AppendMessage(2), kv.Value)
}

// putAnyValue writes an AnyValue's oneof: string_value 1, bool_value 2, int_value 3, double_value 4,
// array_value 5, kvlist_value 6, bytes_value 7; as upstream's transform maps attribute types.
func putAnyValue(av *easyproto.MessageMarshaler, v attribute.Value) {
	switch v.Type() {
	case attribute.BOOL:
		av.AppendBool(2, v.AsBool())
	case attribute.INT64:
		av.AppendInt64(3, v.AsInt64())
	case attribute.FLOAT64:
		av.AppendDouble(4, v.AsFloat64())
	case attribute.STRING:
		av.AppendString(1, v.AsString())
	case attribute.BYTESLICE:
		av.AppendBytes(7, v.AsByteSlice())
	case attribute.BOOLSLICE:
		arr := av.AppendMessage(5)
		for _, b := range v.AsBoolSlice() {
			arr.AppendMessage(1).AppendBool(2, b)
		}
	case attribute.INT64SLICE:
		arr := av.AppendMessage(5)
		for _, i := range v.AsInt64Slice() {
			arr.AppendMessage(1).AppendInt64(3, i)
		}
	case attribute.FLOAT64SLICE:
		arr := av.AppendMessage(5)
		for _, f := range v.AsFloat64Slice() {
			arr.AppendMessage(1).AppendDouble(4, f)
		}
	case attribute.STRINGSLICE:
		arr := av.AppendMessage(5)
		for _, s := range v.AsStringSlice() {
			arr.AppendMessage(1).AppendString(1, s)
		}
	case attribute.SLICE:
		arr := av.AppendMessage(5)
		for _, e := range v.AsSlice() {
			putAnyValue(arr.AppendMessage(1), e)
		}
	case attribute.MAP:
		putKeyValues(av.AppendMessage(6), 1, v.AsMap())
	case attribute.EMPTY:
	default:
		av.AppendString(1, "INVALID")
	}
}

// unixNano is a time as OTLP's fixed64 nanoseconds, 0 before 1970.
func unixNano(ns int64) uint64 { return uint64(max(0, ns)) }
