-- The service's own state lives beside Temporal's databases (temporal, temporal_visibility),
-- which the Temporal container creates itself.
CREATE DATABASE durable_jobs;
