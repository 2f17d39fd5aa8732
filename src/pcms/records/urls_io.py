"""Import and export pages of records."""

urlpatterns: list = []
