-- Select AI profile and grants for the workflow-gateway function (issue 20). Documentation, not a
-- numbered migration (it lives under admin/, outside the migrations the migrator loads). An ADMIN runs it once per ATP, in SQL*Plus or
-- Database Actions, after the schema load; replace OCTO_APP (the application user Terraform names,
-- OCTO_DB_USER) and OCTO (the schema owner, OCTO_DB_SCHEMA) if yours differ.
--
-- The function calls, with the profile name from OCTO_SELECT_AI_PROFILE (func.yaml: OCTO_SHOP_AI):
--   SELECT DBMS_CLOUD_AI.GENERATE(prompt => :1, profile_name => :2, action => :3) FROM dual
-- with action showsql, narrate or chat only (never runsql: the profile is only ever asked for text).

-- 1. Select AI for the application user.
GRANT EXECUTE ON DBMS_CLOUD_AI TO OCTO_APP;

-- 2. Top SQL (GET /api/workflows/sql) reads V$SQLAREA, filtered by the bundle's MODULE values.
GRANT SELECT ON V_$SQLAREA TO OCTO_APP;

-- 3. The profile: OCI Generative AI through the database's resource principal (no stored key), and
--    only the tables below, so generated SQL can name nothing else.
EXEC DBMS_CLOUD_ADMIN.ENABLE_RESOURCE_PRINCIPAL(username => 'OCTO_APP');

BEGIN
    DBMS_CLOUD_AI.CREATE_PROFILE(
        profile_name => 'OCTO_SHOP_AI',
        attributes   => '{
            "provider": "oci",
            "credential_name": "OCI$RESOURCE_PRINCIPAL",
            "object_list": [
                {"owner": "OCTO", "name": "PRODUCTS"},
                {"owner": "OCTO", "name": "ORDERS"},
                {"owner": "OCTO", "name": "ORDER_ITEMS"},
                {"owner": "OCTO", "name": "CUSTOMERS"},
                {"owner": "OCTO", "name": "SHIPMENTS"},
                {"owner": "OCTO", "name": "REVIEWS"}
            ],
            "comments": true
        }'
    );
END;
/
-- The profile belongs to the user that creates it; run step 3 connected as OCTO_APP (after steps 1
-- and 2 as ADMIN), or create it as ADMIN and have the function's user call it qualified.
