-- Core: customers, users, shops, products, coupons, orders, order_items.
-- SQLite equivalent of ../oracle/0001_core.sql, kept equal to it by the conformance test. Mapping:
-- identity -> INTEGER PRIMARY KEY AUTOINCREMENT (ids never reused, like Oracle identities);
-- NUMBER(p,s>0) -> NUMERIC (money binds as decimal text); NUMBER(p) -> INTEGER; VARCHAR2/CLOB -> TEXT;
-- TIMESTAMP WITH TIME ZONE -> TIMESTAMP holding text in one canonical UTC format,
-- YYYY-MM-DDTHH:MM:SS.sssZ, which is what the defaults produce (the declared type lets modernc scan
-- it into time.Time); IS JSON -> json_valid().
-- Constraint and index names are the Oracle ones.

-- Oracle's one-row table, so that statements written "FROM dual" run unchanged.
CREATE VIEW dual AS SELECT 'X' AS dummy;

CREATE TABLE customers (
    id          INTEGER CONSTRAINT pk_customers PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    phone       TEXT,
    company     TEXT,
    industry    TEXT,
    revenue     NUMERIC,
    region      TEXT,
    notes       TEXT,
    created_at  TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at  TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT ck_customers_revenue CHECK (revenue >= 0),
    CONSTRAINT ck_customers_name_bytes CHECK (length(CAST(name AS BLOB)) <= 200),
    CONSTRAINT ck_customers_email_bytes CHECK (length(CAST(email AS BLOB)) <= 254),
    CONSTRAINT ck_customers_phone_bytes CHECK (length(CAST(phone AS BLOB)) <= 40),
    CONSTRAINT ck_customers_company_bytes CHECK (length(CAST(company AS BLOB)) <= 200),
    CONSTRAINT ck_customers_industry_bytes CHECK (length(CAST(industry AS BLOB)) <= 100),
    CONSTRAINT ck_customers_region_bytes CHECK (length(CAST(region AS BLOB)) <= 64),
    CONSTRAINT ck_customers_notes_bytes CHECK (length(CAST(notes AS BLOB)) <= 4000)
);

CREATE UNIQUE INDEX ux_customers_email ON customers (LOWER(email));

CREATE TABLE users (
    id                  INTEGER CONSTRAINT pk_users PRIMARY KEY AUTOINCREMENT,
    username            TEXT NOT NULL,
    email               TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    full_name           TEXT,
    role                TEXT DEFAULT 'customer' NOT NULL,
    customer_id         INTEGER,
    is_active           INTEGER DEFAULT 1 NOT NULL,
    failed_login_count  INTEGER DEFAULT 0 NOT NULL,
    locked_until        TIMESTAMP,
    last_login_at       TIMESTAMP,
    created_at          TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at          TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_users_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE SET NULL,
    CONSTRAINT ck_users_role CHECK (role IN ('customer', 'support', 'marketing', 'staff', 'admin')),
    CONSTRAINT ck_users_is_active CHECK (is_active IN (0, 1)),
    CONSTRAINT ck_users_failed_login_count CHECK (failed_login_count >= 0),
    CONSTRAINT ck_users_username_bytes CHECK (length(CAST(username AS BLOB)) <= 254),
    CONSTRAINT ck_users_email_bytes CHECK (length(CAST(email AS BLOB)) <= 254),
    CONSTRAINT ck_users_password_hash_bytes CHECK (length(CAST(password_hash AS BLOB)) <= 255),
    CONSTRAINT ck_users_full_name_bytes CHECK (length(CAST(full_name AS BLOB)) <= 200),
    CONSTRAINT ck_users_role_bytes CHECK (length(CAST(role AS BLOB)) <= 20)
);

CREATE UNIQUE INDEX ux_users_username ON users (LOWER(username));
CREATE UNIQUE INDEX ux_users_email ON users (LOWER(email));
CREATE INDEX ix_users_customer_id ON users (customer_id);

CREATE TABLE shops (
    id             INTEGER CONSTRAINT pk_shops PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL,
    address        TEXT,
    city           TEXT,
    region         TEXT,
    phone          TEXT,
    email          TEXT,
    opening_hours  TEXT,
    latitude       NUMERIC,
    longitude      NUMERIC,
    is_active      INTEGER DEFAULT 1 NOT NULL,
    created_at     TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at     TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT uq_shops_name UNIQUE (name),
    CONSTRAINT ck_shops_is_active CHECK (is_active IN (0, 1)),
    CONSTRAINT ck_shops_latitude CHECK (latitude BETWEEN -90 AND 90),
    CONSTRAINT ck_shops_longitude CHECK (longitude BETWEEN -180 AND 180),
    CONSTRAINT ck_shops_name_bytes CHECK (length(CAST(name AS BLOB)) <= 200),
    CONSTRAINT ck_shops_address_bytes CHECK (length(CAST(address AS BLOB)) <= 500),
    CONSTRAINT ck_shops_city_bytes CHECK (length(CAST(city AS BLOB)) <= 100),
    CONSTRAINT ck_shops_region_bytes CHECK (length(CAST(region AS BLOB)) <= 64),
    CONSTRAINT ck_shops_phone_bytes CHECK (length(CAST(phone AS BLOB)) <= 40),
    CONSTRAINT ck_shops_email_bytes CHECK (length(CAST(email AS BLOB)) <= 254),
    CONSTRAINT ck_shops_opening_hours_bytes CHECK (length(CAST(opening_hours AS BLOB)) <= 200)
);

CREATE TABLE products (
    id           INTEGER CONSTRAINT pk_products PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    sku          TEXT NOT NULL,
    description  TEXT,
    price        NUMERIC NOT NULL,
    stock        INTEGER DEFAULT 0 NOT NULL,
    category     TEXT NOT NULL,
    image_url    TEXT,
    is_active    INTEGER DEFAULT 1 NOT NULL,
    created_at   TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at   TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT uq_products_sku UNIQUE (sku),
    CONSTRAINT ck_products_price CHECK (price >= 0),
    CONSTRAINT ck_products_stock CHECK (stock >= 0),
    CONSTRAINT ck_products_is_active CHECK (is_active IN (0, 1)),
    CONSTRAINT ck_products_name_bytes CHECK (length(CAST(name AS BLOB)) <= 200),
    CONSTRAINT ck_products_sku_bytes CHECK (length(CAST(sku AS BLOB)) <= 64),
    CONSTRAINT ck_products_description_bytes CHECK (length(CAST(description AS BLOB)) <= 4000),
    CONSTRAINT ck_products_category_bytes CHECK (length(CAST(category AS BLOB)) <= 64),
    CONSTRAINT ck_products_image_url_bytes CHECK (length(CAST(image_url AS BLOB)) <= 1000)
);

CREATE INDEX ix_products_category ON products (category);

CREATE TABLE coupons (
    id                INTEGER CONSTRAINT pk_coupons PRIMARY KEY AUTOINCREMENT,
    code              TEXT NOT NULL,
    description       TEXT,
    discount_percent  NUMERIC DEFAULT 0 NOT NULL,
    discount_amount   NUMERIC DEFAULT 0 NOT NULL,
    max_uses          INTEGER DEFAULT 0 NOT NULL,
    used_count        INTEGER DEFAULT 0 NOT NULL,
    is_active         INTEGER DEFAULT 1 NOT NULL,
    valid_from        TIMESTAMP,
    valid_until       TIMESTAMP,
    created_at        TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at        TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT uq_coupons_code UNIQUE (code),
    CONSTRAINT ck_coupons_code_upper CHECK (code = UPPER(code)),
    CONSTRAINT ck_coupons_discount_percent CHECK (discount_percent BETWEEN 0 AND 100),
    CONSTRAINT ck_coupons_discount_amount CHECK (discount_amount >= 0),
    CONSTRAINT ck_coupons_max_uses CHECK (max_uses >= 0),
    CONSTRAINT ck_coupons_used_count CHECK (used_count >= 0 AND (max_uses = 0 OR used_count <= max_uses)),
    CONSTRAINT ck_coupons_is_active CHECK (is_active IN (0, 1)),
    CONSTRAINT ck_coupons_validity CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from),
    CONSTRAINT ck_coupons_code_bytes CHECK (length(CAST(code AS BLOB)) <= 64),
    CONSTRAINT ck_coupons_description_bytes CHECK (length(CAST(description AS BLOB)) <= 500)
);

CREATE TABLE orders (
    id                INTEGER CONSTRAINT pk_orders PRIMARY KEY AUTOINCREMENT,
    customer_id       INTEGER NOT NULL,
    subtotal          NUMERIC DEFAULT 0 NOT NULL,
    discount          NUMERIC DEFAULT 0 NOT NULL,
    shipping_cost     NUMERIC DEFAULT 0 NOT NULL,
    total             NUMERIC NOT NULL,
    currency          TEXT DEFAULT 'USD' NOT NULL,
    coupon_id         INTEGER,
    coupon_code       TEXT,
    status            TEXT DEFAULT 'pending' NOT NULL,
    payment_method    TEXT,
    payment_status    TEXT DEFAULT 'pending' NOT NULL,
    shipping_address  TEXT,
    region            TEXT,
    notes             TEXT,
    idempotency_key   TEXT,
    request_hash      TEXT,
    order_token_hash  TEXT,
    trace_id          TEXT,
    created_at        TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at        TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT fk_orders_coupon FOREIGN KEY (coupon_id) REFERENCES coupons (id) ON DELETE SET NULL,
    CONSTRAINT uq_orders_idempotency_key UNIQUE (idempotency_key),
    CONSTRAINT ck_orders_amounts CHECK (subtotal >= 0 AND discount >= 0 AND shipping_cost >= 0 AND total >= 0),
    CONSTRAINT ck_orders_status CHECK (status IN ('pending', 'payment_pending', 'paid', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded')),
    CONSTRAINT ck_orders_payment_status CHECK (payment_status IN ('pending', 'payment_pending', 'paid', 'failed', 'cancelled', 'refunded')),
    CONSTRAINT ck_orders_currency CHECK (currency = UPPER(currency) AND LENGTH(currency) = 3),
    CONSTRAINT ck_orders_currency_bytes CHECK (length(CAST(currency AS BLOB)) <= 3),
    CONSTRAINT ck_orders_coupon_code_bytes CHECK (length(CAST(coupon_code AS BLOB)) <= 64),
    CONSTRAINT ck_orders_status_bytes CHECK (length(CAST(status AS BLOB)) <= 20),
    CONSTRAINT ck_orders_payment_method_bytes CHECK (length(CAST(payment_method AS BLOB)) <= 32),
    CONSTRAINT ck_orders_payment_status_bytes CHECK (length(CAST(payment_status AS BLOB)) <= 20),
    CONSTRAINT ck_orders_shipping_address_bytes CHECK (length(CAST(shipping_address AS BLOB)) <= 1000),
    CONSTRAINT ck_orders_region_bytes CHECK (length(CAST(region AS BLOB)) <= 64),
    CONSTRAINT ck_orders_notes_bytes CHECK (length(CAST(notes AS BLOB)) <= 2000),
    CONSTRAINT ck_orders_idempotency_key_bytes CHECK (length(CAST(idempotency_key AS BLOB)) <= 128),
    CONSTRAINT ck_orders_request_hash_bytes CHECK (length(CAST(request_hash AS BLOB)) <= 64),
    CONSTRAINT ck_orders_order_token_hash_bytes CHECK (length(CAST(order_token_hash AS BLOB)) <= 64),
    CONSTRAINT ck_orders_trace_id_bytes CHECK (length(CAST(trace_id AS BLOB)) <= 64)
);

CREATE INDEX ix_orders_customer_id ON orders (customer_id);
CREATE INDEX ix_orders_coupon_id ON orders (coupon_id);
CREATE INDEX ix_orders_status_created ON orders (status, created_at);
CREATE INDEX ix_orders_created_at ON orders (created_at);

CREATE TABLE order_items (
    id            INTEGER CONSTRAINT pk_order_items PRIMARY KEY AUTOINCREMENT,
    order_id      INTEGER NOT NULL,
    product_id    INTEGER NOT NULL,
    product_name  TEXT NOT NULL,
    quantity      INTEGER NOT NULL,
    unit_price    NUMERIC NOT NULL,
    line_total    NUMERIC NOT NULL,
    created_at    TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_order_items_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
    CONSTRAINT fk_order_items_product FOREIGN KEY (product_id) REFERENCES products (id),
    CONSTRAINT uq_order_items_order_product UNIQUE (order_id, product_id),
    CONSTRAINT ck_order_items_quantity CHECK (quantity > 0),
    CONSTRAINT ck_order_items_unit_price CHECK (unit_price >= 0),
    CONSTRAINT ck_order_items_line_total CHECK (line_total >= 0),
    CONSTRAINT ck_order_items_product_name_bytes CHECK (length(CAST(product_name AS BLOB)) <= 200)
);

CREATE INDEX ix_order_items_product_id ON order_items (product_id);
