app_name = "doctors"

urlpatterns: list = []
