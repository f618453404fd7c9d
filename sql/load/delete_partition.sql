-- Drop the warehouse rows of the run dates being reloaded: the lake partition is the truth for its day.
delete from {table} where "run_date" = any($run_dates);
