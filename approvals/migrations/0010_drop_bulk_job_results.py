from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0009_bulk_job_items_from_results'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='bulkjob',
            name='comment',
        ),
        migrations.RemoveField(
            model_name='bulkjob',
            name='params',
        ),
        migrations.RemoveField(
            model_name='bulkjob',
            name='results',
        ),
        migrations.AlterField(
            model_name='bulkjob',
            name='status',
            field=models.CharField(choices=[('queued', 'Đang chờ'), ('running', 'Đang chạy'), ('done', 'Hoàn thành'), ('failed', 'Không thành công')], default='queued', max_length=20),
        ),
        migrations.AddIndex(
            model_name='bulkjob',
            index=models.Index(condition=models.Q(('status__in', ['queued', 'running'])), fields=['status'], name='bulkjob_unfinished_idx'),
        ),
        migrations.AddIndex(
            model_name='exportjob',
            index=models.Index(condition=models.Q(('status__in', ['queued', 'running'])), fields=['status'], name='exportjob_unfinished_idx'),
        ),
    ]
