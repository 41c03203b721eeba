"""``X-Bench-Queries``: how many SQL statements a request ran (benchmarks only)."""

from django.db import connection


def count_queries(get_response):
    def middleware(request):
        count = 0

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            response = get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response

    return middleware
