from django.contrib.auth.models import User
from django.db import models


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE)


class Product(models.Model):
    sku = models.CharField(max_length=64, unique=True)
    title = models.TextField()
    price = models.DecimalField(max_digits=10, decimal_places=2)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    tags = models.ManyToManyField("Tag", blank=True)
    created = models.DateTimeField(auto_now_add=True)
    data = models.JSONField(default=dict)
    uid = models.UUIDField(null=True)
    stock = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["title", "price"])]
        constraints = [models.CheckConstraint(check=models.Q(price__gte=0), name="price_nonneg")]


class Tag(models.Model):
    label = models.SlugField(unique=True)


class Order(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    quantity = models.BigIntegerField()

    class Meta:
        unique_together = {("user", "product")}
        indexes = [models.Index(fields=["quantity"], name="order_qty_idx")]
