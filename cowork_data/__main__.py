from cowork_data.cli import main

main()
