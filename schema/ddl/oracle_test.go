package ddl

import (
	"reflect"
	"strings"
	"testing"
)

// TestOracleRestrictionsAreRefused holds the model to what ATP refuses, so a schema that would stop
// half-way on Oracle fails here first.
func TestOracleRestrictionsAreRefused(t *testing.T) {
	const base = "CREATE TABLE t (id NUMBER, a VARCHAR2(10), ts TIMESTAMP WITH TIME ZONE, CONSTRAINT pk_t PRIMARY KEY (id));\n"
	cases := []struct{ name, script, want string }{
		{"tstz_in_unique_constraint", "CREATE TABLE t (id NUMBER, ts TIMESTAMP WITH TIME ZONE, CONSTRAINT pk_t PRIMARY KEY (id), CONSTRAINT uq_t UNIQUE (id, ts));", "ORA-02329"},
		{"tstz_in_primary_key", "CREATE TABLE t (ts TIMESTAMP WITH TIME ZONE, CONSTRAINT pk_t PRIMARY KEY (ts));", "ORA-02329"},
		{"identifier_over_128_bytes", "CREATE TABLE t (id NUMBER, " + strings.Repeat("c", 129) + " NUMBER, CONSTRAINT pk_t PRIMARY KEY (id));", "longer than 128 bytes"},
		{"reserved_word", "CREATE TABLE t (id NUMBER, level NUMBER, CONSTRAINT pk_t PRIMARY KEY (id));", "reserved word"},
		{"unique_repeats_primary_key", "CREATE TABLE t (id NUMBER, CONSTRAINT pk_t PRIMARY KEY (id), CONSTRAINT uq_t UNIQUE (id));", "ORA-02261"},
		{"unique_index_repeats_primary_key", base + "CREATE UNIQUE INDEX ux_t ON t (id);", "ORA-01408"},
		{"unique_index_repeats_index", base + "CREATE INDEX ix_t ON t (a, ts);\nCREATE UNIQUE INDEX ux_t ON t (a, ts);", "ORA-01408"},
		{"unique_index_unrecognisable_key", base + "CREATE UNIQUE INDEX ux_t ON t (SUBSTR(a, 1, 3));", "migrator can recognise"},
		{"constraint_name_used_by_another_table", base + "CREATE TABLE u (id NUMBER, CONSTRAINT pk_t PRIMARY KEY (id));", "ORA-02264"},
		{"index_named_like_a_key", base + "CREATE INDEX pk_t ON t (a);", "ORA-00955"},
		{"index_named_like_a_table", base + "CREATE INDEX t ON t (a);", "ORA-00955"},
		{"key_named_like_an_index", base + "CREATE INDEX ix_u ON t (a);\nCREATE TABLE u (id NUMBER, CONSTRAINT ix_u PRIMARY KEY (id));", "ORA-00955"},
		{"narrowing_modify", base + "ALTER TABLE t MODIFY (a VARCHAR2(5));", "does not widen"},
		{"modify_other_type", base + "ALTER TABLE t MODIFY (id VARCHAR2(5));", "only a VARCHAR2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stmts, err := ParseScript(c.script)
			if err == nil {
				_, err = Build(stmts)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v, want one mentioning %q", err, c.want)
			}
		})
	}
}

func TestOracleAllowances(t *testing.T) {
	stmts, err := ParseScript(`
		CREATE TABLE t (id NUMBER, a VARCHAR2(10), ts TIMESTAMP WITH TIME ZONE, CONSTRAINT pk_t PRIMARY KEY (id));
		CREATE UNIQUE INDEX ux_t_ts ON t (a, ts);
		CREATE UNIQUE INDEX ux_t_a ON t (LOWER(a));
		ALTER TABLE t MODIFY (a VARCHAR2(254));
		ALTER TABLE t ADD COLUMN b TEXT CONSTRAINT ck_t_b_bytes CHECK (length(CAST(b AS BLOB)) <= 20);`)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Build(stmts)
	if err != nil {
		t.Fatalf("a unique index on a TIMESTAMP WITH TIME ZONE column, a widening and an inline check are allowed: %v", err)
	}
	tb := s.Table("t")
	if c, _ := tb.Column("a"); !reflect.DeepEqual(c.Type, Type{Name: "VARCHAR2", Args: []int{254}}) {
		t.Errorf("a after MODIFY = %v, want VARCHAR2(254)", c.Type)
	}
	want := []Check{{Name: "ck_t_b_bytes", Expr: "length(cast(b as blob)) <= 20"}}
	if !reflect.DeepEqual(tb.Checks, want) {
		t.Errorf("checks = %+v, want %+v", tb.Checks, want)
	}
}

func TestKeyColumns(t *testing.T) {
	cases := []struct {
		key  string
		cols []string
		ok   bool
	}{
		{"email", []string{"email"}, true},
		{"lower(email)", []string{"email"}, true},
		{"case when customer_id is not null then product_id end", []string{"customer_id", "product_id"}, true},
		{"substr(a, 1, 3)", nil, false},
		{"a + 1", nil, false},
	}
	for _, c := range cases {
		cols, ok := KeyColumns(c.key)
		if ok != c.ok || !reflect.DeepEqual(cols, c.cols) {
			t.Errorf("KeyColumns(%q) = %v, %t; want %v, %t", c.key, cols, ok, c.cols, c.ok)
		}
	}
}
