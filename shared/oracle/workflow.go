package oracle

// Statements only Autonomous Database can run, for the workflow-gateway function's Oracle platform
// (functions/workflow-gateway, OraclePlatform). They live here, in the dialect package, because the
// embedded database can never run them: package sqlcover checks that every statement in the
// functions ran against it, and these are asserted instead, statement text and binds, against a
// recording stand-in of the function's Querier.
const (
	// SelectAISQL asks Select AI: :1 the prompt, :2 the profile name, :3 the action (the caller
	// allow-lists showsql, narrate and chat; never runsql). GENERATE returns a CLOB.
	SelectAISQL = `SELECT DBMS_CLOUD_AI.GENERATE(prompt => :1, profile_name => :2, action => :3) FROM dual`

	// TopSQLSQL lists the bundle's statements from V$SQLAREA, the shared pool's one row per SQL_ID
	// with MODULE and ACTION (V$SQLSTATS has no MODULE): :1 the MODULE values joined by commas (one
	// bind, so the text and its SQL_ID do not depend on the list), :2 the row limit. ELAPSED_TIME is
	// in microseconds. The schema user needs SELECT ON V_$SQLAREA from ADMIN
	// (schema/oracle/admin/select_ai_profile.sql).
	TopSQLSQL = `SELECT a.sql_id, a.module, a.action, a.executions, a.elapsed_time, a.rows_processed, SUBSTR(a.sql_text, 1, 1000) AS sql_text
FROM v$sqlarea a
WHERE INSTR(',' || :1 || ',', ',' || a.module || ',') > 0
ORDER BY a.elapsed_time DESC, a.sql_id
FETCH FIRST :2 ROWS ONLY`
)
