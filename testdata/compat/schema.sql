-- Sample schema that the recorded client queries (dbeaver.sql, metabase.sql,
-- grafana.sql) are replayed against. Plain PostgreSQL DDL: two tables with
-- serial keys, a composite primary key, foreign keys, a unique constraint,
-- secondary indexes, a stand-alone sequence used as a column default, a
-- jsonb column (Metabase samples it for JSON unfolding) and a view.
-- No COMMENT ON and no functions, so that it also loads into stela.

CREATE SEQUENCE invoice_number_seq START 1000;

CREATE TABLE customers (
    id          serial PRIMARY KEY,
    name        text NOT NULL,
    email       varchar(255) NOT NULL,
    is_active   boolean NOT NULL DEFAULT true,
    attributes  jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customers_email_key UNIQUE (email)
);

CREATE TABLE orders (
    id             serial PRIMARY KEY,
    customer_id    int NOT NULL,
    invoice_number bigint NOT NULL DEFAULT nextval('invoice_number_seq'),
    status         varchar(20) NOT NULL DEFAULT 'new',
    total          numeric(12,2) NOT NULL,
    ordered_on     date NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id)
);

CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX orders_created_at_idx ON orders (created_at);

CREATE TABLE order_items (
    order_id   int NOT NULL,
    line_no    int NOT NULL,
    product    text NOT NULL,
    quantity   int NOT NULL,
    unit_price numeric(10,2) NOT NULL,
    CONSTRAINT order_items_pkey PRIMARY KEY (order_id, line_no),
    CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id)
);

CREATE VIEW order_totals AS
    SELECT o.customer_id, count(*) AS order_count, sum(o.total) AS revenue
    FROM orders o
    GROUP BY o.customer_id;

INSERT INTO customers (name, email, is_active, attributes, created_at) VALUES
    ('Ada Lovelace',   'ada@example.com',   true,  '{"tier": "gold", "newsletter": true}',  '2024-01-05 09:00:00+00'),
    ('Grace Hopper',   'grace@example.com', true,  '{"tier": "silver", "referrals": 3}',    '2024-02-11 14:30:00+00'),
    ('Alan Turing',    'alan@example.com',  false, NULL,                                     '2024-03-20 08:15:00+00');

INSERT INTO orders (customer_id, status, total, ordered_on, created_at) VALUES
    (1, 'new',      120.50, '2024-05-01', '2024-05-01 06:30:00+00'),
    (1, 'shipped',   35.00, '2024-05-01', '2024-05-01 08:05:12+00'),
    (2, 'shipped',  899.99, '2024-05-01', '2024-05-01 09:47:40+00'),
    (2, 'canceled',  12.00, '2024-05-01', '2024-05-01 11:02:03+00'),
    (3, 'new',       64.25, '2024-05-01', '2024-05-01 11:59:59+00');

INSERT INTO order_items (order_id, line_no, product, quantity, unit_price) VALUES
    (1, 1, 'keyboard', 1, 100.50),
    (1, 2, 'cable',    2,  10.00),
    (2, 1, 'mouse',    1,  35.00),
    (3, 1, 'monitor',  1, 899.99),
    (4, 1, 'sticker', 12,   1.00),
    (5, 1, 'headset',  1,  64.25);
