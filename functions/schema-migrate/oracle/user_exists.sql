SELECT COUNT(*) FROM dba_users WHERE username = :1
