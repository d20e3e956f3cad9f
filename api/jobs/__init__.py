"""Jobs: state in the database, ids on a queue, executed by an in-process pool or Dramatiq workers."""
