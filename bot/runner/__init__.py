"""Running the product: training (only when data changed) and the three services."""
