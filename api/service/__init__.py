"""The REST service: a FastAPI app over montage's pipeline, the job queue and the shot library."""
