"""The contact's side of files and approvals, one module per job: folders, files, serve,
upload, actions (new folder, rename, move, trash), approvals.

Every object is fetched through the access policy with the action the view performs:
"view" to read, "upload" to add (files, versions, subfolders), "manage" to rename, move and
delete. Whatever the policy does not return answers 404.

Moving takes "manage" on what moves and "upload" on the destination: moving a file is taking
it out of one folder (which only its managers may do) and putting it into another (which
whoever may upload there could do anyway, by downloading and uploading it).
"""
