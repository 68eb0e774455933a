"""Reading and writing guides in the formats the service center exchanges."""
