# Schema changes as a project makes them over time: each runs ALTER TABLE
# statements of Django's PostgreSQL schema editor.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("djshop", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="stock",
            field=models.IntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="product",
            name="sku",
            field=models.CharField(max_length=64, unique=True),
        ),
        migrations.RenameField(
            model_name="order",
            old_name="qty",
            new_name="quantity",
        ),
        migrations.AlterField(
            model_name="order",
            name="quantity",
            field=models.BigIntegerField(),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["quantity"], name="order_qty_idx"),
        ),
        migrations.AlterUniqueTogether(
            name="order",
            unique_together={("user", "product")},
        ),
        migrations.AddField(
            model_name="tag",
            name="note",
            field=models.TextField(null=True),
        ),
        migrations.RemoveField(
            model_name="tag",
            name="note",
        ),
    ]
