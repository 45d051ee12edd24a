package sqltext

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestTranslate(t *testing.T) {
	tests := []struct {
		name, oracle, sqlite string
		args                 []any // binds to execute the translated text with
	}{
		{
			name:   "positional binds become numbered",
			oracle: "SELECT id, name FROM products WHERE sku = :1 AND price <= :2",
			sqlite: "SELECT id, name FROM products WHERE sku = ?1 AND price <= ?2",
			args:   []any{"DR-1", 10},
		},
		{
			name:   "binds inside literals, quoted names and comments are left alone",
			oracle: "SELECT id, ':1' AS \"a:2\" FROM products /* :3 */ WHERE sku = :1 -- :4\n",
			sqlite: "SELECT id, ':1' AS \"a:2\" FROM products /* :3 */ WHERE sku = ?1 -- :4\n",
			args:   []any{"DR-1"},
		},
		{
			name:   "fetch first becomes limit",
			oracle: "SELECT id FROM products ORDER BY id FETCH FIRST 10 ROWS ONLY",
			sqlite: "SELECT id FROM products ORDER BY id LIMIT 10",
		},
		{
			name:   "offset and fetch next with binds become limit offset",
			oracle: "SELECT id FROM products ORDER BY id OFFSET :1 ROWS FETCH NEXT :2 ROWS ONLY",
			sqlite: "SELECT id FROM products ORDER BY id LIMIT ?2 OFFSET ?1",
			args:   []any{0, 5},
		},
		{
			name:   "fetch first one row",
			oracle: "SELECT id FROM products ORDER BY id fetch first 1 row only",
			sqlite: "SELECT id FROM products ORDER BY id LIMIT 1",
		},
		{
			name:   "offset alone becomes unbounded limit",
			oracle: "SELECT id FROM products ORDER BY id OFFSET 20 ROWS",
			sqlite: "SELECT id FROM products ORDER BY id LIMIT -1 OFFSET 20",
		},
		{
			name:   "row limit inside a subquery",
			oracle: "SELECT COUNT(*) FROM (SELECT id FROM products ORDER BY id FETCH FIRST 3 ROWS ONLY) p",
			sqlite: "SELECT COUNT(*) FROM (SELECT id FROM products ORDER BY id LIMIT 3) p",
		},
		{
			name:   "returning into drops the out binds",
			oracle: "INSERT INTO products (sku, name, price) VALUES (:1, :2, :3) RETURNING id INTO :4",
			sqlite: "INSERT INTO products (sku, name, price) VALUES (?1, ?2, ?3) RETURNING id",
			args:   []any{"DR-R", "Returner", 1},
		},
		{
			name:   "systimestamp becomes the canonical strftime",
			oracle: "UPDATE products SET updated_at = SYSTIMESTAMP WHERE id = :1",
			sqlite: "UPDATE products SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?1",
			args:   []any{1},
		},
		{
			name:   "from dual is dropped",
			oracle: "SELECT 1 FROM DUAL",
			sqlite: "SELECT 1",
		},
		{
			name:   "for update is stripped",
			oracle: "SELECT stock FROM products WHERE id = :1 FOR UPDATE",
			sqlite: "SELECT stock FROM products WHERE id = ?1",
			args:   []any{1},
		},
		{
			name:   "for update of with nowait is stripped",
			oracle: "SELECT stock FROM products WHERE id = :1 FOR UPDATE OF stock NOWAIT",
			sqlite: "SELECT stock FROM products WHERE id = ?1",
			args:   []any{1},
		},
		{
			name: "merge upsert becomes insert on conflict do update",
			oracle: "MERGE INTO coupons c USING (SELECT :1 AS code, :2 AS percent FROM dual) s ON (c.code = s.code) " +
				"WHEN MATCHED THEN UPDATE SET c.percent = s.percent, c.used_count = c.used_count + 1 " +
				"WHEN NOT MATCHED THEN INSERT (code, percent) VALUES (s.code, s.percent)",
			sqlite: "INSERT INTO coupons AS c (code, percent) SELECT s.code, s.percent FROM (SELECT ?1 AS code, ?2 AS percent) AS s " +
				"WHERE true ON CONFLICT (code) DO UPDATE SET percent = excluded.percent, used_count = c.used_count + 1",
			args: []any{"SPRING", 10},
		},
		{
			name: "merge with update where and an expression conflict target",
			oracle: "MERGE INTO customers t USING (SELECT :1 AS email, :2 AS name FROM dual) s ON (LOWER(t.email) = LOWER(s.email)) " +
				"WHEN MATCHED THEN UPDATE SET t.name = s.name WHERE t.name IS NULL " +
				"WHEN NOT MATCHED THEN INSERT (email, name) VALUES (s.email, s.name)",
			sqlite: "INSERT INTO customers AS t (email, name) SELECT s.email, s.name FROM (SELECT ?1 AS email, ?2 AS name) AS s " +
				"WHERE true ON CONFLICT (LOWER(email)) DO UPDATE SET name = excluded.name WHERE t.name IS NULL",
			args: []any{"Ada@example.com", "Ada"},
		},
		{
			name: "merge without matched clause does nothing on conflict",
			oracle: "MERGE INTO coupons c USING (SELECT :1 AS code FROM dual) s ON (c.code = s.code) " +
				"WHEN NOT MATCHED THEN INSERT (code) VALUES (s.code)",
			sqlite: "INSERT INTO coupons AS c (code) SELECT s.code FROM (SELECT ?1 AS code) AS s WHERE true ON CONFLICT (code) DO NOTHING",
			args:   []any{"WINTER"},
		},
		{
			name:   "text without oracle-isms is unchanged",
			oracle: "DELETE FROM order_items WHERE quantity > 100",
			sqlite: "DELETE FROM order_items WHERE quantity > 100",
		},
	}
	db := openSQLite(t)
	if _, err := db.Exec("INSERT INTO products (sku, name, price, stock) VALUES (?1, ?2, ?3, ?4)", "DR-1", "Drone", 9, 3); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Translate(tc.oracle)
			if err != nil {
				t.Fatalf("Translate: %v", err)
			}
			if got != tc.sqlite {
				t.Fatalf("Translate(%q)\n got: %q\nwant: %q", tc.oracle, got, tc.sqlite)
			}
			rows, err := db.QueryContext(context.Background(), got, tc.args...)
			if err != nil {
				t.Fatalf("run translated text on SQLite: %v", err)
			}
			for rows.Next() {
			}
			if err := rows.Err(); err != nil {
				t.Fatalf("run translated text on SQLite: %v", err)
			}
			rows.Close()
		})
	}
}

func TestTranslateRejectsUnsupportedMerge(t *testing.T) {
	for name, q := range map[string]string{
		"source table instead of subquery": "MERGE INTO coupons c USING other s ON (c.code = s.code) WHEN NOT MATCHED THEN INSERT (code) VALUES (s.code)",
		"update uses a value not inserted": "MERGE INTO coupons c USING (SELECT :1 AS code, :2 AS pct FROM dual) s ON (c.code = s.code) WHEN MATCHED THEN UPDATE SET c.percent = s.pct WHEN NOT MATCHED THEN INSERT (code) VALUES (s.code)",
		"no insert clause":                 "MERGE INTO coupons c USING (SELECT :1 AS code FROM dual) s ON (c.code = s.code) WHEN MATCHED THEN UPDATE SET c.used_count = 0",
		"column and value counts differ":   "MERGE INTO coupons c USING (SELECT :1 AS code FROM dual) s ON (c.code = s.code) WHEN NOT MATCHED THEN INSERT (code, percent) VALUES (s.code)",
		"on without target column":         "MERGE INTO coupons c USING (SELECT :1 AS code FROM dual) s ON (s.code = 'x') WHEN NOT MATCHED THEN INSERT (code) VALUES (s.code)",
	} {
		t.Run(name, func(t *testing.T) {
			if got, err := Translate(q); !errors.Is(err, errMergeShape) {
				t.Errorf("Translate = %q, %v; want errMergeShape", got, err)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct{ name, q, op, table string }{
		{"select", "SELECT id FROM products WHERE id = :1", "SELECT", "products"},
		{"select with join", "select p.id from products p join order_items i on i.product_id = p.id", "SELECT", "products"},
		{"select from subquery", "SELECT COUNT(*) FROM (SELECT id FROM products) p", "SELECT", ""},
		{"select scalar subquery in list", "SELECT (SELECT COUNT(*) FROM order_items) n, id FROM products", "SELECT", "products"},
		{"schema qualified", "SELECT id FROM admin.products", "SELECT", "admin.products"},
		{"insert", "INSERT INTO orders (customer_id) VALUES (:1) RETURNING id INTO :2", "INSERT", "orders"},
		{"update", "UPDATE products SET stock = stock - :1 WHERE id = :2", "UPDATE", "products"},
		{"delete", "DELETE FROM cart_items WHERE id = :1", "DELETE", "cart_items"},
		{"delete without from", "DELETE cart_items WHERE id = :1", "DELETE", "cart_items"},
		{"merge", "MERGE INTO coupons c USING (SELECT 1 FROM dual) s ON (1 = 1) WHEN NOT MATCHED THEN INSERT (code) VALUES ('x')", "MERGE", "coupons"},
		{"with", "WITH r AS (SELECT id FROM orders) SELECT COUNT(*) FROM r", "SELECT", "r"},
		{"plsql", "BEGIN DBMS_SESSION.SET_IDENTIFIER(:1); END;", "BEGIN", ""},
		{"leading comment", "/* hint */ SELECT 1 FROM dual", "SELECT", "dual"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			op, table := summarize(lex(tc.q))
			if op != tc.op || table != tc.table {
				t.Errorf("summarize(%q) = %q, %q; want %q, %q", tc.q, op, table, tc.op, tc.table)
			}
		})
	}
}

func TestLexRoundTripsExactly(t *testing.T) {
	for _, q := range []string{
		"SELECT 'it''s' AS \"x\"\"y\", :1, ?2, 1.5e, /* c */ -- d\n a",
		"unterminated 'string",
		"unterminated /* comment",
		"naïve ünïcode :1",
	} {
		if got := join(lex(q)); got != q {
			t.Errorf("join(lex(%q)) = %q", q, got)
		}
	}
}

func TestRepeatedPositionalBindsAreRefused(t *testing.T) {
	for _, q := range []string{
		"SELECT id FROM orders WHERE created_at >= :1 AND updated_at >= :1",
		"SELECT id FROM orders WHERE created_at >= :1 UNION ALL SELECT id FROM leads WHERE created_at >= :2 AND updated_at < :1",
		"UPDATE t SET a = :1, b = :2 WHERE c = :2",
	} {
		if _, err := Translate(q); err == nil || !strings.Contains(err.Error(), "ORA-01008") {
			t.Errorf("Translate(%q) error = %v, want ORA-01008", q, err)
		}
	}
	for _, q := range []string{
		"SELECT id FROM orders WHERE created_at >= :1 AND updated_at >= :2",
		"SELECT ':1', :1 FROM dual",     // a literal is not a bind
		"SELECT :name, :name FROM dual", // named binds bind by name
	} {
		if _, err := Translate(q); err != nil {
			t.Errorf("Translate(%q) = %v, want it accepted", q, err)
		}
	}
}

func TestRowLimitRefusesDuplicateColumnNames(t *testing.T) {
	bad := []string{
		"SELECT o.id, o.status, s.status FROM orders o LEFT JOIN shipments s ON s.order_id = o.id FETCH FIRST 1 ROWS ONLY",
		"SELECT o.id, s.id FROM orders o JOIN shipments s ON s.order_id = o.id OFFSET 5 ROWS",
		"SELECT a AS x, b x FROM t FETCH FIRST :1 ROWS ONLY",
	}
	for _, q := range bad {
		if _, err := Translate(q); err == nil || !strings.Contains(err.Error(), "ORA-00918") {
			t.Errorf("Translate(%q) error = %v, want ORA-00918", q, err)
		}
	}
	good := []string{
		"SELECT o.status AS order_status, s.status AS shipment_status FROM orders o LEFT JOIN shipments s ON s.order_id = o.id FETCH FIRST 1 ROWS ONLY",
		"SELECT COUNT(*), COUNT(*) FROM t FETCH FIRST 1 ROWS ONLY",
		"SELECT o.status, s.status FROM orders o JOIN shipments s ON s.order_id = o.id",
		"SELECT id FROM t WHERE id IN (SELECT a.id FROM a, b WHERE a.id = b.id FETCH FIRST 1 ROWS ONLY) FETCH FIRST 1 ROWS ONLY",
	}
	for _, q := range good {
		if _, err := Translate(q); err != nil {
			t.Errorf("Translate(%q) = %v, want it accepted", q, err)
		}
	}
}
