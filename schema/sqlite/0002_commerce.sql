-- Commerce: carts, cart_items, reviews, warehouses, shipments, shipment_events.
-- SQLite equivalent of ../oracle/0002_commerce.sql (see 0001_core.sql for the type mapping).

-- A cart is identified by an unguessable random id (at least 128 bits, hex or base64url text) held
-- by the browser; it expires after 7 days without activity (updated_at is the last activity).
CREATE TABLE carts (
    id           TEXT NOT NULL,
    customer_id  INTEGER,
    created_at   TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at   TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    expires_at   TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+7 days')) NOT NULL,
    CONSTRAINT pk_carts PRIMARY KEY (id),
    CONSTRAINT fk_carts_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE SET NULL,
    CONSTRAINT ck_carts_id CHECK (LENGTH(id) >= 32),
    CONSTRAINT ck_carts_id_bytes CHECK (length(CAST(id AS BLOB)) <= 64)
);

CREATE INDEX ix_carts_customer_id ON carts (customer_id);
CREATE INDEX ix_carts_expires_at ON carts (expires_at);

CREATE TABLE cart_items (
    id          INTEGER CONSTRAINT pk_cart_items PRIMARY KEY AUTOINCREMENT,
    cart_id     TEXT NOT NULL,
    product_id  INTEGER NOT NULL,
    quantity    INTEGER NOT NULL,
    created_at  TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at  TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_cart_items_cart FOREIGN KEY (cart_id) REFERENCES carts (id) ON DELETE CASCADE,
    CONSTRAINT fk_cart_items_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE,
    CONSTRAINT uq_cart_items_cart_product UNIQUE (cart_id, product_id),
    CONSTRAINT ck_cart_items_quantity CHECK (quantity BETWEEN 1 AND 20),
    CONSTRAINT ck_cart_items_cart_id_bytes CHECK (length(CAST(cart_id AS BLOB)) <= 64)
);

CREATE INDEX ix_cart_items_product_id ON cart_items (product_id);

CREATE TABLE reviews (
    id           INTEGER CONSTRAINT pk_reviews PRIMARY KEY AUTOINCREMENT,
    product_id   INTEGER NOT NULL,
    customer_id  INTEGER,
    author_name  TEXT NOT NULL,
    title        TEXT,
    rating       INTEGER NOT NULL,
    review_text  TEXT,
    is_verified  INTEGER DEFAULT 0 NOT NULL,
    created_at   TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at   TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_reviews_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE,
    CONSTRAINT fk_reviews_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE SET NULL,
    CONSTRAINT ck_reviews_rating CHECK (rating BETWEEN 1 AND 5),
    CONSTRAINT ck_reviews_is_verified CHECK (is_verified IN (0, 1)),
    CONSTRAINT ck_reviews_author_name_bytes CHECK (length(CAST(author_name AS BLOB)) <= 100),
    CONSTRAINT ck_reviews_title_bytes CHECK (length(CAST(title AS BLOB)) <= 200),
    CONSTRAINT ck_reviews_review_text_bytes CHECK (length(CAST(review_text AS BLOB)) <= 4000)
);

CREATE INDEX ix_reviews_product_created ON reviews (product_id, created_at);
CREATE INDEX ix_reviews_customer_id ON reviews (customer_id);
-- One review per (customer, product) for known customers; anonymous reviews (customer_id NULL) are not
-- constrained (a partial index; the Oracle DDL gets the same effect with CASE expressions).
CREATE UNIQUE INDEX ux_reviews_customer_product ON reviews (customer_id, product_id)
    WHERE customer_id IS NOT NULL;

CREATE TABLE warehouses (
    id          INTEGER CONSTRAINT pk_warehouses PRIMARY KEY AUTOINCREMENT,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    address     TEXT,
    city        TEXT,
    region      TEXT NOT NULL,
    capacity    INTEGER DEFAULT 0 NOT NULL,
    is_active   INTEGER DEFAULT 1 NOT NULL,
    created_at  TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at  TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT uq_warehouses_code UNIQUE (code),
    CONSTRAINT ck_warehouses_capacity CHECK (capacity >= 0),
    CONSTRAINT ck_warehouses_is_active CHECK (is_active IN (0, 1)),
    CONSTRAINT ck_warehouses_code_bytes CHECK (length(CAST(code AS BLOB)) <= 32),
    CONSTRAINT ck_warehouses_name_bytes CHECK (length(CAST(name AS BLOB)) <= 200),
    CONSTRAINT ck_warehouses_address_bytes CHECK (length(CAST(address AS BLOB)) <= 500),
    CONSTRAINT ck_warehouses_city_bytes CHECK (length(CAST(city AS BLOB)) <= 100),
    CONSTRAINT ck_warehouses_region_bytes CHECK (length(CAST(region AS BLOB)) <= 64)
);

CREATE TABLE shipments (
    id                  INTEGER CONSTRAINT pk_shipments PRIMARY KEY AUTOINCREMENT,
    order_id            INTEGER NOT NULL,
    warehouse_id        INTEGER,
    tracking_number     TEXT NOT NULL,
    carrier             TEXT NOT NULL,
    status              TEXT DEFAULT 'processing' NOT NULL,
    weight_kg           NUMERIC DEFAULT 0 NOT NULL,
    origin_region       TEXT,
    destination_region  TEXT,
    estimated_delivery  TIMESTAMP,
    shipped_at          TIMESTAMP,
    delivered_at        TIMESTAMP,
    created_at          TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    updated_at          TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_shipments_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
    CONSTRAINT fk_shipments_warehouse FOREIGN KEY (warehouse_id) REFERENCES warehouses (id) ON DELETE SET NULL,
    CONSTRAINT uq_shipments_tracking_number UNIQUE (tracking_number),
    CONSTRAINT ck_shipments_status CHECK (status IN ('processing', 'shipped', 'in_transit', 'delivered', 'returned', 'cancelled')),
    CONSTRAINT ck_shipments_weight_kg CHECK (weight_kg >= 0),
    CONSTRAINT ck_shipments_delivered CHECK (status <> 'delivered' OR delivered_at IS NOT NULL),
    CONSTRAINT ck_shipments_tracking_number_bytes CHECK (length(CAST(tracking_number AS BLOB)) <= 64),
    CONSTRAINT ck_shipments_carrier_bytes CHECK (length(CAST(carrier AS BLOB)) <= 64),
    CONSTRAINT ck_shipments_status_bytes CHECK (length(CAST(status AS BLOB)) <= 20),
    CONSTRAINT ck_shipments_origin_region_bytes CHECK (length(CAST(origin_region AS BLOB)) <= 64),
    CONSTRAINT ck_shipments_destination_region_bytes CHECK (length(CAST(destination_region AS BLOB)) <= 64)
);

CREATE INDEX ix_shipments_order_id ON shipments (order_id);
CREATE INDEX ix_shipments_warehouse_id ON shipments (warehouse_id);
CREATE INDEX ix_shipments_status ON shipments (status);

CREATE TABLE shipment_events (
    id           INTEGER CONSTRAINT pk_shipment_events PRIMARY KEY AUTOINCREMENT,
    shipment_id  INTEGER NOT NULL,
    status       TEXT NOT NULL,
    location     TEXT,
    note         TEXT,
    created_at   TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
    CONSTRAINT fk_shipment_events_shipment FOREIGN KEY (shipment_id) REFERENCES shipments (id) ON DELETE CASCADE,
    CONSTRAINT ck_shipment_events_status CHECK (status IN ('processing', 'shipped', 'in_transit', 'delivered', 'returned', 'cancelled')),
    CONSTRAINT ck_shipment_events_status_bytes CHECK (length(CAST(status AS BLOB)) <= 20),
    CONSTRAINT ck_shipment_events_location_bytes CHECK (length(CAST(location AS BLOB)) <= 200),
    CONSTRAINT ck_shipment_events_note_bytes CHECK (length(CAST(note AS BLOB)) <= 1000)
);

CREATE INDEX ix_shipment_events_shipment ON shipment_events (shipment_id, created_at);
