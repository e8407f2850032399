"""The farmer's bulk CSV upload page: /farmer/import (and /farmer/import.json for scripts)."""

from __future__ import annotations

from datasette.utils.asgi import Response

from datasette_config.farmer_import import MAX_CSV_BYTES, MAX_CSV_ROWS, CsvFileError, import_own_csv
from datasette_config.farmer_web import farmer_actor, json_error, page, read_form, uploaded_files, wants_json, write_db


async def import_page(request, datasette):
    actor = farmer_actor(request)
    context = {"max_mb": MAX_CSV_BYTES // 2**20, "max_rows": MAX_CSV_ROWS, "result": None, "error": None}
    if request.method != "POST":
        if wants_json(request):
            return json_error("POST a CSV file in the form field 'file'", 405)
        return await page(datasette, request, "farmer_import.html", context)
    data, problem = await read_form(request, max_file_size=MAX_CSV_BYTES, max_files=1)
    files = await uploaded_files(data, "file")
    if not problem and not files:
        problem = "choose a CSV file to upload"
    result = None
    if not problem:
        name, content = files[0]
        try:
            result = await write_db(datasette, lambda db: import_own_csv(db, actor["owner_id"], content, name))
        except CsvFileError as exc:
            problem = str(exc)
    if wants_json(request):
        if problem:
            return json_error(problem, 400)
        return Response.json({"ok": True, **result.as_dict()})
    context.update({"result": result, "error": problem})
    return await page(datasette, request, "farmer_import.html", context, status=400 if problem else 200)
