-- The review aggregate of a product, read from an index. SQLite equivalent of
-- ../oracle/0017_review_ratings.sql.

CREATE INDEX ix_reviews_product_rating ON reviews (product_id, rating);
