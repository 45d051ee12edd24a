SELECT object_name, object_type FROM user_objects
WHERE object_type IN ('TABLE', 'VIEW', 'SEQUENCE') AND generated = 'N' AND object_name <> 'SCHEMA_MIGRATIONS'
ORDER BY object_name
