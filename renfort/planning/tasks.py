from django_tasks import task

from .services import planning_run_execute


@task()
def execute_planning_run(run_id: int) -> str:
    return planning_run_execute(run_id=run_id).status
