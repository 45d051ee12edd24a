package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/XSAM/otelsql"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/sqlid"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
	"github.com/octo-drone-shop/serverless/shared/sqltext"
)

// The benchmark runs the same statements four ways on one SQLite file, all through the same driver
// (modernc.org/sqlite) below database/sql: plain, wrapped by this package's connector (Open), and
// wrapped by github.com/XSAM/otelsql (the usual OpenTelemetry wrapper) twice, the instrumented ones
// recording spans in memory (tracetest.SpanRecorder on an SDK provider) and measuring into an SDK
// meter. The per-statement overhead of an instrumentation is its ns/op minus plain's.
//
// "otelsql" is configured to put on each span what ours does, the way an otelsql user would get that
// telemetry (WithAttributes for the constant ones, an AttributesGetter for the per-statement ones,
// the SQL_ID and summary cached per text as ours are): the judged comparison, since most of a
// statement span's cost is its attributes (the SDK copies, normalises and de-duplicates each one),
// and a comparison at different attribute counts measures the counts, not the wrappers.
// "otelsql-lean" is otelsql's leanest setting (the query text only), reported for reference. Both
// are set for one span per statement (no connect, reset-session, prepare or rows spans). Ours also
// records the rows returned or changed, which otelsql cannot, and translates the statement.
//
// Run: go test ./shared/db -run '^$' -bench BenchmarkStatement -benchmem

const (
	benchSelectOracle = "SELECT id, name, price FROM products WHERE id = :1"
	benchSelectSQLite = "SELECT id, name, price FROM products WHERE id = ?1"
	benchUpdateOracle = "UPDATE products SET stock = stock + 0 WHERE id = :1"
	benchUpdateSQLite = "UPDATE products SET stock = stock + 0 WHERE id = ?1"
)

type benchVariant struct {
	name   string
	query  func(ctx context.Context, id int64) error
	update func(ctx context.Context, id int64) error
}

func BenchmarkStatement(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.db")
	plain, err := sqlite.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer plain.Close()
	if _, err := plain.Exec(testSchema); err != nil {
		b.Fatal(err)
	}
	for i := range 100 {
		if _, err := plain.Exec("INSERT INTO products (sku, name, price, stock) VALUES (?1, ?2, ?3, ?4)", fmt.Sprintf("P-%d", i), "Product", 10, 5); err != nil {
			b.Fatal(err)
		}
	}

	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))

	ours, err := Open(context.Background(), Options{Driver: "sqlite", DSN: path, ClientInfo: "bench@1", TracerProvider: tp, MeterProvider: mp})
	if err != nil {
		b.Fatal(err)
	}
	defer ours.Close()

	lean := otelsql.WithSpanOptions(otelsql.SpanOptions{OmitConnResetSession: true, OmitConnPrepare: true, OmitRows: true, OmitConnectorConnect: true})
	peer, err := otelsql.Open("sqlite", sqlite.DSN(path),
		otelsql.WithTracerProvider(tp), otelsql.WithMeterProvider(mp), lean,
		otelsql.WithAttributes(semconv.DBSystemNameSQLite, keyModule.String("octo-drone-shop"), keyClientInfo.String("bench@1")),
		otelsql.WithAttributesGetter(sameAttributes()))
	if err != nil {
		b.Fatal(err)
	}
	defer peer.Close()
	peerLean, err := otelsql.Open("sqlite", sqlite.DSN(path), otelsql.WithTracerProvider(tp), otelsql.WithMeterProvider(mp), lean)
	if err != nil {
		b.Fatal(err)
	}
	defer peerLean.Close()

	scan := func(row interface{ Scan(...any) error }) error {
		var (
			id    int64
			name  string
			price float64
		)
		return row.Scan(&id, &name, &price)
	}
	rawVariant := func(name string, d *sql.DB) benchVariant {
		return benchVariant{
			name:  name,
			query: func(ctx context.Context, id int64) error { return scan(d.QueryRowContext(ctx, benchSelectSQLite, id)) },
			update: func(ctx context.Context, id int64) error {
				_, err := d.ExecContext(ctx, benchUpdateSQLite, id)
				return err
			},
		}
	}
	variants := []benchVariant{
		rawVariant("plain", plain),
		{
			name: "ours",
			query: func(ctx context.Context, id int64) error {
				return scan(ours.QueryRowContext(ctx, benchSelectOracle, id))
			},
			update: func(ctx context.Context, id int64) error {
				_, err := ours.ExecContext(ctx, benchUpdateOracle, id)
				return err
			},
		},
		rawVariant("otelsql", peer),
		rawVariant("otelsql-lean", peerLean),
	}

	for _, op := range []string{"select", "update"} {
		for _, v := range variants {
			b.Run(op+"/"+v.name, func(b *testing.B) {
				ctx, parent := tp.Tracer("bench").Start(context.Background(), "catalog.GetProduct")
				defer parent.End()
				run := v.query
				if op == "update" {
					run = v.update
				}
				rec.Reset()
				spans := 0
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					if i%4096 == 4095 {
						b.StopTimer()
						spans += len(rec.Ended())
						rec.Reset()
						b.StartTimer()
					}
					if err := run(ctx, int64(i%100+1)); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				// An instrumentation that recorded nothing would measure nothing: one span per
				// statement (the parent span is still open).
				spans += len(rec.Ended())
				if want := b.N; v.name == "plain" && spans != 0 || v.name != "plain" && spans != want {
					b.Fatalf("%s recorded %d spans for %d statements", v.name, spans, b.N)
				}
			})
		}
	}
}

// sameAttributes is the AttributesGetter that makes otelsql record the per-statement attributes ours
// records (operation, main table, DbStatement, SQL_ID, ACTION, CLIENT_IDENTIFIER), with what is
// derived from the text cached per text as ours is.
func sameAttributes() otelsql.AttributesGetter {
	var cache sync.Map // query -> []attribute.KeyValue
	return func(ctx context.Context, _ otelsql.Method, query string, _ []driver.NamedValue) []attribute.KeyValue {
		v, ok := cache.Load(query)
		if !ok {
			sum := sqltext.Summarize(query)
			v, _ = cache.LoadOrStore(query, []attribute.KeyValue{semconv.DBOperationName(sum.Op), semconv.DBCollectionName(sum.Table),
				keyStatement.String(query), keySQLID.String(sqlid.Of(query))})
		}
		fixed := v.([]attribute.KeyValue)
		out := make([]attribute.KeyValue, len(fixed), len(fixed)+2)
		copy(out, fixed)
		out = append(out, keyAction.String(actionOf(ctx)))
		if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
			out = append(out, keyClientIdentifier.String(sc.TraceID().String()))
		}
		return out
	}
}
