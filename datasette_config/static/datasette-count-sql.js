/* Moved out of Datasette 1.0a41's templates/table.html so that the Content-Security-Policy needs no inline script. */
document.addEventListener('DOMContentLoaded', function() {
    const countLink = document.querySelector('a.count-sql');
    if (countLink) {
        countLink.addEventListener('click', async function(ev) {
            ev.preventDefault();
            // Replace countLink with span with same style attribute
            const span = document.createElement('span');
            span.textContent = 'counting...';
            span.setAttribute('style', countLink.getAttribute('style'));
            countLink.replaceWith(span);
            countLink.setAttribute('disabled', 'disabled');
            let url = countLink.href.replace(/(\?|$)/, '.json$1');
            try {
                const response = await fetch(url);
                console.log({response});
                const data = await response.json();
                console.log({data});
                if (!response.ok) {
                    console.log('throw error');
                    throw new Error(data.title || data.error);
                }
                const count = data['rows'][0]['count(*)'];
                const formattedCount = count.toLocaleString();
                span.closest('h3').textContent = formattedCount + ' rows';
            } catch (error) {
                console.log('Update', span, 'with error message', error);
                span.textContent = error.message;
                span.style.color = 'red';
            }
        });
    }
});
