"""The farmer's bulk upload page (CSV or an .xlsx workbook, optional form field `sheet`):
/farmer/import (and /farmer/import.json for scripts).

The file is read and validated off the event loop, then registered in chunks of rows, each
its own write transaction, so other writes (logins, decisions, checks) are never held up for
the whole upload.
"""

from __future__ import annotations

import asyncio

from datasette.utils.asgi import Response

from datasette_config.farmer.upload import (
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    CsvFileError,
    prepare_csv,
    register_prepared,
)
from datasette_config.toolkit import farmer_actor, json_error, page, read_form, uploaded_files, wants_json, write_db

WRITE_CHUNK = 200  # rows per write transaction, so a big upload never holds the write thread for long


async def import_page(request, datasette):
    actor = farmer_actor(request)
    context = {"max_mb": MAX_CSV_BYTES // 2**20, "max_rows": MAX_CSV_ROWS, "result": None, "error": None}
    if request.method != "POST":
        if wants_json(request):
            return json_error("POST a CSV file in the form field 'file'", 405)
        return await page(datasette, request, "farmer/upload.html", context)
    data, problem = await read_form(request, max_file_size=MAX_CSV_BYTES, max_files=1)
    files = await uploaded_files(data, "file")
    if not problem and not files:
        problem = "choose a CSV or .xlsx file to upload"
    result = None
    if not problem:
        name, content = files[0]
        try:
            sheet = (data.get("sheet") or "").strip() or None if data else None
            result, prepared = await asyncio.to_thread(prepare_csv, content, name, sheet)
        except CsvFileError as exc:
            problem = str(exc)
        else:
            for start in range(0, len(prepared), WRITE_CHUNK):
                chunk = prepared[start:start + WRITE_CHUNK]
                result.rows += await write_db(datasette, lambda db, chunk=chunk: register_prepared(
                    db, actor["owner_id"], chunk))
    if wants_json(request):
        if problem:
            return json_error(problem, 400)
        return Response.json({"ok": True, **result.as_dict()})
    context.update({"result": result, "error": problem})
    return await page(datasette, request, "farmer/upload.html", context, status=400 if problem else 200)


EXAMPLE_CSV = (
    "category,make,model,year,colour,description,serial,pin,engine,ear tag,microchip\r\n"
    "tractor,John Deere,6120M,2019,green,front loader; cracked left mirror,,1L06120MCKK123456,PE4045R123456,,\r\n"
    "quad,Honda,TRX420,2021,red,,JH2TE4321ZK000777,,,,\r\n"
    "cattle,,,2022,black and white,heifer,,,,UK 284205 7 00016,\r\n"
)


async def import_example(request, datasette):
    """A CSV with the accepted columns and three example rows, to fill in a spreadsheet."""
    farmer_actor(request)
    return Response(EXAMPLE_CSV, content_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="farmwatch-items.csv"'})
